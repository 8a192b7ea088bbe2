-- A reset or unlock that needs more than the emailed code (SPEC C9): the methods proven in the
-- flow besides the email (comma-separated `MethodKind` names), and the positions of the
-- security questions chosen for it (comma-separated; chosen once, so asking again shows the
-- same questions and cannot be used to pick easier ones).
ALTER TABLE flows ADD COLUMN proven TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN questions TEXT NOT NULL DEFAULT '';
