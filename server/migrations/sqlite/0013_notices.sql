-- The language a user last used the customer pages in (`en`, `fr`; NULL: never signed in since
-- it was recorded), so a notice about something an administrator did speaks it too.
ALTER TABLE users ADD COLUMN language TEXT;
