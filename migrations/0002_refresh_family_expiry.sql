-- SQLite adds a NOT NULL column only with a constant default. The app never relies on it
-- (every insert sets the column), and existing rows are given a real end at once: a family
-- older than this migration ends when its current token expires (at most 30 days), never later.
ALTER TABLE `refresh_tokens` ADD `family_expires_at` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `refresh_tokens` SET `family_expires_at` = `expires_at`;
