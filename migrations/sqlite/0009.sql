-- Ending an account's tokens (docs/protocol.md §2): tokens issued before `tokens_after` (unix
-- seconds; a password change or a removal sets it) name nobody, and every instance closes
-- the account's open sockets when it sees the value move.
ALTER TABLE users ADD COLUMN tokens_after INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_tokens_after ON users (tokens_after) WHERE tokens_after > 0;
