//! Billing keys by `customer_uid`. Only the card's mask, issuer and test behaviour are kept.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::domain::card::Decline;
use crate::domain::order::Contact;
use crate::domain::pg::Pg;

#[derive(Debug, Clone)]
pub(crate) struct BillingKey {
    pub customer_uid: String,
    pub pg: Pg,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    /// Issued from a declining test card: every charge with it is declined.
    pub declines: Option<Decline>,
    pub customer_id: Option<String>,
    pub customer: Contact,
    pub inserted: i64,
    pub updated: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Keys {
    keys: HashMap<String, BillingKey>,
}

impl Keys {
    pub fn get(&self, customer_uid: &str) -> Option<&BillingKey> {
        self.keys.get(customer_uid)
    }

    pub fn contains(&self, customer_uid: &str) -> bool {
        self.keys.contains_key(customer_uid)
    }

    /// Stores a new key or replaces the card of an existing one: re-issuing keeps the first
    /// `inserted` time (`updated` moves).
    pub fn store(&mut self, mut key: BillingKey) -> &BillingKey {
        match self.keys.entry(key.customer_uid.clone()) {
            Entry::Occupied(mut old) => {
                key.inserted = old.get().inserted;
                old.insert(key);
                old.into_mut()
            }
            Entry::Vacant(slot) => slot.insert(key),
        }
    }

    pub fn remove(&mut self, customer_uid: &str) -> Option<BillingKey> {
        self.keys.remove(customer_uid)
    }
}
