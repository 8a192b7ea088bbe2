-- A reset's or unlock's second proofs that can be guessed (an authenticator app's code, the
-- answers to security questions) are tried at most a few times in one flow, counted before
-- each is judged (`identity::flows::methods`): a flow that has had them must start again, with
-- a new emailed code, so someone who reads the mailbox cannot guess on without bound. The
-- account's lock does not stop these tries: an unlock is how a locked account proves itself.
ALTER TABLE flows ADD COLUMN proof_tries BIGINT NOT NULL DEFAULT 0;
