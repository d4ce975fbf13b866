//! Accounts, passwords, sessions and API tokens, and turning them into a [`Principal`].
//!
//! Passwords are hashed with Argon2id on a blocking thread (hashing is deliberately slow). Session
//! and API tokens are 256-bit random values; the database keeps only their SHA-256. Failed logins
//! are counted per account, and past the limit the account refuses logins until the window passes,
//! whether or not the password is right, so guessing gains nothing.

use crate::{Error, Result, Service, audit, duplicate_as, ensure};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use safegrid_domain::Invalid;
use safegrid_domain::access::{Principal, Role, check_binding};
use safegrid_store::users::{self, NewUser, UserRow};
use safegrid_store::{organisations, regions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A random token, hex-encoded.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A password people can type: 16 characters without look-alikes.
pub fn random_password() -> String {
    const A: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| A[*x as usize % A.len()] as char).collect()
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
    .map_err(|e| Error::Internal(e.to_string()))
}

async fn password_matches(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Minimum password rules: long enough to resist guessing.
pub fn check_password(password: &str) -> std::result::Result<(), Invalid> {
    if password.chars().count() < 10 {
        return Err(Invalid::one("password", "password.short"));
    }
    if password.len() > 256 {
        return Err(Invalid::one("password", "too_long"));
    }
    Ok(())
}

/// A new account as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UserInput {
    pub username: String,
    pub password: String,
    pub role: String,
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

/// A logged-in browser session: the cookie value and the form token that goes with it.
#[derive(Debug, Clone, Serialize)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

impl Service {
    /// Builds the principal of a user: resolves the region path and, for a department, the
    /// industries it supervises.
    pub async fn principal_of(&self, u: &UserRow) -> Result<Principal> {
        let role = Role::parse(&u.role)
            .ok_or_else(|| Error::Internal(format!("unknown role {}", u.role)))?;
        let mut region_id = u.region_id;
        let mut supervised = Vec::new();
        if let Some(did) = u.department_id
            && let Some(d) = organisations::department(&self.store, did).await?
        {
            region_id = region_id.or(Some(d.region_id));
            supervised = d
                .industries
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(eid) = u.enterprise_id
            && let Some(e) = safegrid_store::enterprises::get(&self.store, eid).await?
        {
            region_id = region_id.or(Some(e.region_id));
        }
        let region_path = match (role, region_id) {
            (Role::Admin, None) => "/".to_string(),
            (_, Some(id)) => regions::get(&self.store, id)
                .await?
                .map(|r| r.path)
                .unwrap_or_else(|| "/nowhere/".into()),
            // A non-admin without a region sees nothing rather than everything.
            (_, None) => "/nowhere/".into(),
        };
        Ok(Principal {
            user_id: u.id,
            username: u.username.clone(),
            role,
            region_path,
            department_id: u.department_id,
            enterprise_id: u.enterprise_id,
            supervised,
        })
    }

    /// Checks a password and opens a session.
    pub async fn login(&self, username: &str, password: &str) -> Result<NewSession> {
        let now = Utc::now();
        let since = now - Duration::minutes(self.settings.throttle_minutes);
        if users::login_failures_since(&self.store, username, since).await?
            >= self.settings.throttle_failures
        {
            return Err(Error::Throttled);
        }
        let user = users::by_username(&self.store, username).await?;
        // An unknown account costs a hash too, so the answer takes as long either way.
        let ok = match &user {
            Some(u) => password_matches(password.to_string(), u.password_hash.clone()).await,
            None => hash_password(password.to_string()).await.map(|_| false)?,
        };
        let mut tx = self.store.begin().await?;
        match user {
            Some(u) if ok && !u.disabled => {
                users::clear_login_failures(&mut tx, username).await?;
                users::delete_expired_sessions(&mut tx, now).await?;
                let s = NewSession {
                    token: random_token(),
                    csrf: random_token(),
                };
                let expires = now + Duration::hours(self.settings.session_hours);
                users::insert_session(&mut tx, &token_hash(&s.token), u.id, &s.csrf, expires)
                    .await?;
                tx.commit().await?;
                Ok(s)
            }
            _ => {
                users::record_login_failure(&mut tx, username, now).await?;
                tx.commit().await?;
                Err(Error::Unauthenticated)
            }
        }
    }

    /// The principal and CSRF token of a live session.
    pub async fn session(&self, token: &str) -> Result<Option<(Principal, String)>> {
        let Some(s) = users::session(&self.store, &token_hash(token)).await? else {
            return Ok(None);
        };
        if s.expires_at < Utc::now() {
            return Ok(None);
        }
        let Some(u) = users::by_id(&self.store, s.user_id).await? else {
            return Ok(None);
        };
        Ok(Some((self.principal_of(&u).await?, s.csrf_token)))
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        users::delete_session(&mut tx, &token_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal behind a bearer API token.
    pub async fn token_principal(&self, token: &str) -> Result<Option<Principal>> {
        let Some(uid) = users::token_user(&self.store, &token_hash(token)).await? else {
            return Ok(None);
        };
        let Some(u) = users::by_id(&self.store, uid).await? else {
            return Ok(None);
        };
        Ok(Some(self.principal_of(&u).await?))
    }

    /// Issues an API token for a user; the token is shown once and only its hash kept.
    pub async fn issue_token(&self, who: &Principal, username: &str, name: &str) -> Result<String> {
        let u = users::by_username(&self.store, username)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_manage_users() || who.user_id == u.id)?;
        let token = random_token();
        let mut tx = self.store.begin().await?;
        users::insert_token(&mut tx, &token_hash(&token), u.id, name).await?;
        audit::record(
            &mut tx,
            who,
            "issue_token",
            "user",
            u.id,
            None::<&()>,
            Some(&serde_json::json!({ "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Creates an account; only an admin may.
    pub async fn add_user(&self, who: &Principal, input: &UserInput) -> Result<i64> {
        ensure(who.can_manage_users())?;
        let mut errs = Invalid::default();
        let username = input.username.trim();
        if username.is_empty() {
            errs.push("username", "required");
        } else if username.len() > 40
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            errs.push("username", "username.form");
        }
        if let Err(e) = check_password(&input.password) {
            errs.errors.extend(e.errors);
        }
        let role = Role::parse(input.role.trim());
        match role {
            None => errs.push("role", "choice"),
            Some(r) => {
                if let Err(e) =
                    check_binding(r, input.region_id, input.department_id, input.enterprise_id)
                {
                    errs.errors.extend(e.errors);
                }
            }
        }
        errs.into_result()?;
        let role = role.unwrap_or(Role::Monitor);
        let mut tx = self.store.begin().await?;
        if let Some(id) = input.region_id {
            regions::get(&mut tx, id)
                .await?
                .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
        }
        if let Some(id) = input.department_id {
            organisations::department(&mut tx, id)
                .await?
                .ok_or_else(|| Invalid::one("department_id", "not_a_reference"))?;
        }
        if let Some(id) = input.enterprise_id {
            safegrid_store::enterprises::get(&mut tx, id)
                .await?
                .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        }
        let hash = hash_password(input.password.clone()).await?;
        let new = NewUser {
            username,
            password_hash: &hash,
            role: role.as_str(),
            region_id: input.region_id,
            department_id: input.department_id,
            enterprise_id: input.enterprise_id,
        };
        let id = users::insert(&mut tx, &new)
            .await
            .map_err(duplicate_as("username", "duplicate"))?;
        let after = users::by_id(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "user",
            id,
            None::<&()>,
            after.as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_password(
        &self,
        who: &Principal,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let u = users::by_username(&self.store, username)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_manage_users() || who.user_id == u.id)?;
        check_password(password)?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, u.id, &hash).await?;
        audit::record(
            &mut tx,
            who,
            "set_password",
            "user",
            u.id,
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_disabled(
        &self,
        who: &Principal,
        username: &str,
        disabled: bool,
    ) -> Result<()> {
        ensure(who.can_manage_users())?;
        let u = users::by_username(&self.store, username)
            .await?
            .ok_or(Error::NotFound)?;
        let mut tx = self.store.begin().await?;
        users::set_disabled(&mut tx, u.id, disabled).await?;
        let action = if disabled { "disable" } else { "enable" };
        audit::record(&mut tx, who, action, "user", u.id, Some(&u), None::<&()>).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links an account to the person of the registry it belongs to, so that the warnings that
    /// reach the person also reach the account's inbox (or unlinks it with `None`).
    pub async fn link_person(
        &self,
        who: &Principal,
        username: &str,
        person_id: Option<i64>,
    ) -> Result<()> {
        ensure(who.can_manage_users())?;
        let u = users::by_username(&self.store, username)
            .await?
            .ok_or(Error::NotFound)?;
        let mut tx = self.store.begin().await?;
        if let Some(p) = person_id
            && safegrid_store::people::get(&mut tx, p).await?.is_none()
        {
            return Err(safegrid_domain::Invalid::one("person_id", "not_a_reference").into());
        }
        users::link_person(&mut tx, u.id, person_id).await?;
        audit::record(
            &mut tx,
            who,
            "link_person",
            "user",
            u.id,
            None::<&()>,
            Some(&person_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_users(&self, who: &Principal) -> Result<Vec<UserRow>> {
        ensure(who.can_manage_users())?;
        Ok(users::list(&self.store).await?)
    }

    /// On first start, with no account at all, creates `admin` with a random password and
    /// returns the password (to be printed once; only its hash is kept).
    pub async fn bootstrap_admin(&self) -> Result<Option<String>> {
        if users::count(&self.store).await? > 0 {
            return Ok(None);
        }
        let password = random_password();
        let input = UserInput {
            username: "admin".into(),
            password: password.clone(),
            role: "admin".into(),
            ..Default::default()
        };
        self.add_user(&crate::system(), &input).await?;
        Ok(Some(password))
    }
}
