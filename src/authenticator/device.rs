//! The device's side of pairing: its P-256 key, made by WebCrypto as **non-extractable**, and
//! the accounts paired with it, kept in IndexedDB (`sspr-authenticator`, store `accounts`, one
//! record per paired account, keyed by the server's device id).
//!
//! IndexedDB stores a `CryptoKey` object itself (structured clone), so the private key never
//! exists as bytes this code could read or send; only the public key is exported, as the
//! server's protocol wants it (`sspr_api::push`: SEC1 point, base64url). Signatures are
//! ECDSA P-256 with SHA-256, which WebCrypto gives as `r ‖ s`, the form the server checks.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CryptoKey, CryptoKeyPair, EcKeyGenParams, EcdsaParams, IdbDatabase, IdbObjectStoreParameters,
    IdbRequest, IdbTransactionMode, SubtleCrypto,
};

const DATABASE: &str = "sspr-authenticator";
const STORE: &str = "accounts";

/// The browser refused: no WebCrypto or IndexedDB (a private window may have neither), or the
/// storage failed. The page says so; the details are the browser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError;

impl From<JsValue> for DeviceError {
    fn from(_: JsValue) -> Self {
        DeviceError
    }
}

/// One account paired with this device.
#[derive(Debug, Clone)]
pub struct Account {
    pub device_id: String,
    /// The account, masked as the server gave it (`n•••@contoso.com`).
    pub account: String,
    pub issuer: String,
    /// The app-code seed, base32, when the policies let the user use app codes.
    pub totp_secret: Option<String>,
    key: CryptoKey,
}

/// A key made for pairing, not yet stored: kept until the server accepted its public half.
#[derive(Debug, Clone)]
pub struct NewKey {
    private: CryptoKey,
    /// The public key as the server reads it: SEC1 uncompressed point, base64url.
    pub public: String,
}

fn subtle() -> Result<SubtleCrypto, DeviceError> {
    Ok(web_sys::window().ok_or(DeviceError)?.crypto()?.subtle())
}

fn ecdsa() -> EcdsaParams {
    EcdsaParams::new_with_str("ECDSA", "SHA-256")
}

/// Makes a P-256 signing key whose private half cannot be exported.
pub async fn new_key() -> Result<NewKey, DeviceError> {
    let subtle = subtle()?;
    let usages = Array::of1(&JsValue::from_str("sign"));
    let made =
        subtle.generate_key_with_object(&EcKeyGenParams::new("ECDSA", "P-256"), false, &usages)?;
    let pair: CryptoKeyPair = JsFuture::from(made).await?.unchecked_into();
    let raw = JsFuture::from(subtle.export_key("raw", &pair.get_public_key())?).await?;
    let public = URL_SAFE_NO_PAD.encode(Uint8Array::new(&raw).to_vec());
    Ok(NewKey {
        private: pair.get_private_key(),
        public,
    })
}

impl Account {
    /// The account `paired` gave, with the key it was paired with.
    pub fn new(paired: sspr_api::PairedDevice, key: NewKey) -> Account {
        Account {
            device_id: paired.device_id,
            account: paired.account,
            issuer: paired.issuer,
            totp_secret: paired.totp_secret,
            key: key.private,
        }
    }

    /// Signs `message` with the device key: `r ‖ s`, base64url.
    pub async fn sign(&self, message: &[u8]) -> Result<String, DeviceError> {
        let signing = subtle()?.sign_with_object_and_u8_array(&ecdsa(), &self.key, message)?;
        let signature = JsFuture::from(signing).await?;
        Ok(URL_SAFE_NO_PAD.encode(Uint8Array::new(&signature).to_vec()))
    }

    fn to_record(&self) -> Result<Object, DeviceError> {
        let record = Object::new();
        Reflect::set(
            &record,
            &"device_id".into(),
            &self.device_id.as_str().into(),
        )?;
        Reflect::set(&record, &"account".into(), &self.account.as_str().into())?;
        Reflect::set(&record, &"issuer".into(), &self.issuer.as_str().into())?;
        if let Some(secret) = &self.totp_secret {
            Reflect::set(&record, &"totp_secret".into(), &secret.as_str().into())?;
        }
        Reflect::set(&record, &"key".into(), &self.key)?;
        Ok(record)
    }

    fn from_record(record: &JsValue) -> Option<Account> {
        let text = |name: &str| Reflect::get(record, &name.into()).ok()?.as_string();
        Some(Account {
            device_id: text("device_id")?,
            account: text("account")?,
            issuer: text("issuer")?,
            totp_secret: text("totp_secret"),
            key: Reflect::get(record, &"key".into())
                .ok()?
                .dyn_into::<CryptoKey>()
                .ok()?,
        })
    }
}

/// Waits for `request` to succeed; its result.
async fn finished(request: &IdbRequest) -> Result<JsValue, DeviceError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await?;
    Ok(request.result()?)
}

/// The database, created with its store at the first use.
async fn open() -> Result<IdbDatabase, DeviceError> {
    let factory = web_sys::window()
        .ok_or(DeviceError)?
        .indexed_db()?
        .ok_or(DeviceError)?;
    let request = factory.open_with_u32(DATABASE, 1)?;
    let upgrading = request.clone();
    let create = Closure::<dyn FnMut()>::new(move || {
        if let Ok(database) = upgrading.result() {
            let database: IdbDatabase = database.unchecked_into();
            let parameters = IdbObjectStoreParameters::new();
            parameters.set_key_path(&"device_id".into());
            let _ = database.create_object_store_with_optional_parameters(STORE, &parameters);
        }
    });
    request.set_onupgradeneeded(Some(create.as_ref().unchecked_ref()));
    let opened = finished(&request).await;
    request.set_onupgradeneeded(None);
    drop(create);
    Ok(opened?.unchecked_into())
}

/// Every account paired with this device.
pub async fn accounts() -> Result<Vec<Account>, DeviceError> {
    let database = open().await?;
    let store = database
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)?
        .object_store(STORE)?;
    let records: Array = finished(&store.get_all()?).await?.unchecked_into();
    Ok(records
        .iter()
        .filter_map(|r| Account::from_record(&r))
        .collect())
}

/// Keeps `account` (replacing one with the same device id).
pub async fn save(account: &Account) -> Result<(), DeviceError> {
    let database = open().await?;
    let store = database
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?
        .object_store(STORE)?;
    finished(&store.put(&account.to_record()?.into())?).await?;
    Ok(())
}

/// Forgets the account with `device_id` on this device (its key with it).
pub async fn forget(device_id: &str) -> Result<(), DeviceError> {
    let database = open().await?;
    let store = database
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?
        .object_store(STORE)?;
    finished(&store.delete(&device_id.into())?).await?;
    Ok(())
}
