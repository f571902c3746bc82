-- An urgent episode (an emergency bulletin) is transcoded on its own queue so it never waits behind a long programme.
ALTER TABLE episodes ADD COLUMN urgent boolean NOT NULL DEFAULT false;
-- Where the audio came from: an uploaded file, or text read aloud by the speech engine (kept beside it).
ALTER TABLE episodes ADD COLUMN source text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'tts'));
ALTER TABLE episodes ADD COLUMN source_text text;
ALTER TABLE episodes ADD COLUMN speech_rate integer;
