-- The company identity an account signed in with first: the issuer and the subject
-- it names the person by. Later sign-ins match on both, not on the e-mail address,
-- which an identity provider may hand to someone else.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN oidc_subject TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_issuer, oidc_subject) WHERE oidc_subject <> '';
