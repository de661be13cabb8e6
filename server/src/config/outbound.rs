//! `OUTBOUND`: what the server can reach on the internet, for everything that leaves it
//! (webhooks, recipe pages; Web Push too). The AWS targets set it (docs/notifications.md, "What
//! leaves the server, per target"): `ipv6` on Lambda, whose only way out is an egress-only internet
//! gateway, and `none` on App Runner, whose VPC connector has no way out at all.

use std::{net::SocketAddr, str::FromStr};

use super::{ConfigError, Env};

/// Which internet addresses the server can open connections to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outbound {
    /// Any (the default): IPv4 and IPv6, as the host's network allows.
    #[default]
    Any,
    /// IPv6 addresses only: a destination that has none cannot be reached.
    Ipv6Only,
    /// None: webhooks and recipe import are off, whatever their own settings default to.
    None,
}

impl FromStr for Outbound {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "any" => Ok(Self::Any),
            "ipv6" => Ok(Self::Ipv6Only),
            "none" => Ok(Self::None),
            other => Err(format!("{other:?} is not one of any, ipv6, none")),
        }
    }
}

impl Outbound {
    /// The address to connect to among those a host resolves to: the first one, or with
    /// [`Outbound::Ipv6Only`] the first IPv6 one. `None` when no address is reachable.
    pub fn choose(self, addresses: &[SocketAddr]) -> Option<SocketAddr> {
        match self {
            Self::Any => addresses.first().copied(),
            Self::Ipv6Only => addresses.iter().copied().find(SocketAddr::is_ipv6),
            Self::None => None,
        }
    }
}

/// What `OUTBOUND`, `WEBHOOKS_ENABLED` and `RECIPE_FETCH` allow together.
pub(super) struct Switches {
    pub outbound: Outbound,
    pub webhooks_enabled: bool,
    pub recipe_fetch: bool,
}

/// `OUTBOUND` (default `any`) and the two features that need it. With `OUTBOUND=none` both are
/// off, and asking for either is a contradiction that stops start-up with the reason.
pub(super) fn switches<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Switches, ConfigError> {
    let outbound = match env.get("OUTBOUND") {
        None => Outbound::Any,
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|problem| ConfigError::new("OUTBOUND", problem))?,
    };
    let reachable = outbound != Outbound::None;
    let feature = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
        let on = env.parse(name, default && reachable, "true or false")?;
        if on && !reachable {
            return Err(ConfigError::new(
                name,
                "is true, but OUTBOUND=none says this server cannot reach the internet",
            ));
        }
        Ok(on)
    };
    Ok(Switches {
        outbound,
        webhooks_enabled: feature("WEBHOOKS_ENABLED", true)?,
        recipe_fetch: feature("RECIPE_FETCH", false)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::config;

    #[test]
    fn by_default_any_address_is_reachable_and_webhooks_are_on() {
        let config = config(&[]).unwrap();
        assert_eq!(config.outbound, Outbound::Any);
        assert!(config.webhooks_enabled);
        assert!(!config.recipe_fetch);
    }

    #[test]
    fn outbound_none_turns_webhooks_and_recipe_import_off() {
        let config = config(&[("OUTBOUND", "none")]).unwrap();
        assert_eq!(config.outbound, Outbound::None);
        assert!(!config.webhooks_enabled);
        assert!(!config.recipe_fetch);
    }

    #[test]
    fn asking_for_a_feature_that_needs_the_internet_with_outbound_none_names_both() {
        for variable in ["WEBHOOKS_ENABLED", "RECIPE_FETCH"] {
            let error = config(&[("OUTBOUND", "none"), (variable, "true")]).unwrap_err();
            assert_eq!(error.variable, variable);
            assert!(error.problem.contains("OUTBOUND=none"), "{}", error.problem);
        }
    }

    #[test]
    fn ipv6_keeps_the_features_and_an_unknown_value_is_named() {
        let ipv6 = config(&[("OUTBOUND", "ipv6"), ("RECIPE_FETCH", "true")]).unwrap();
        assert_eq!(ipv6.outbound, Outbound::Ipv6Only);
        assert!(ipv6.webhooks_enabled && ipv6.recipe_fetch);
        let error = config(&[("OUTBOUND", "nat")]).unwrap_err();
        assert_eq!(error.variable, "OUTBOUND");
        assert!(
            error.problem.contains("any, ipv6, none"),
            "{}",
            error.problem
        );
    }

    #[test]
    fn ipv6_only_picks_the_first_ipv6_address_and_nothing_without_one() {
        let v4: SocketAddr = "93.184.215.14:443".parse().unwrap();
        let v6: SocketAddr = "[2606:2800:21f:cb07::1]:443".parse().unwrap();
        assert_eq!(Outbound::Any.choose(&[v4, v6]), Some(v4));
        assert_eq!(Outbound::Ipv6Only.choose(&[v4, v6]), Some(v6));
        assert_eq!(Outbound::Ipv6Only.choose(&[v4]), None);
        assert_eq!(Outbound::None.choose(&[v4, v6]), None);
    }
}
