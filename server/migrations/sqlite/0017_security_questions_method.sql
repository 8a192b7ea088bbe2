-- The security questions' configuration in the authentication methods policy: Graph has no type
-- for them, so this product's own (`#sspr.securityQuestionsAuthenticationMethodConfiguration`,
-- id `SecurityQuestions`) sits in the same collection, with `state`, `includeTargets` and
-- `excludeTargets` like the other methods. It starts on for everyone, so the reset policy's
-- methods alone decide, as before this migration, until an administrator targets it. A document
-- an administrator already saved is kept.

INSERT INTO policies (id, body, updated_at_ms)
VALUES (
    'method:SecurityQuestions',
    '{"@odata.type":"#sspr.securityQuestionsAuthenticationMethodConfiguration","id":"SecurityQuestions","state":"enabled","includeTargets":[{"id":"all_users","targetType":"group","isRegistrationRequired":false}],"excludeTargets":[]}',
    0
)
ON CONFLICT (id) DO NOTHING;
