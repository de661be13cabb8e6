//! Setting up the probe's household: the admin creates it and an invite link, the others join.

use app::{
    households::{CreateHousehold, CreateInvite, GetHouseholdOverview, JoinHousehold},
    shown_once::{NewSecret, TakeNewSecret},
};

use super::{super::accounts, Failure, Member, Probe, Proposed};

impl Probe<'_> {
    /// A household of four and a plan with two slots whose deadline is a few seconds away.
    pub(super) async fn set_up(&self, members: &[Member]) -> Result<Proposed, Failure> {
        let admin = &members[0];
        let (household, token) = self.household_with_invite(admin).await?;
        self.join_and_count(members, &household, &token).await?;
        self.propose(admin, household).await
    }

    /// The admin's new household and an invite link for the others.
    async fn household_with_invite(&self, admin: &Member) -> Result<(String, String), Failure> {
        let site = self.site;
        let household = self
            .log
            .step("create a household", async {
                let id = site
                    .call(
                        admin,
                        &CreateHousehold {
                            name: "mealvote probe".to_owned(),
                        },
                    )
                    .await?
                    .expect_success("create_household")?
                    .location_after("create_household", &app::routes::household(""))?;
                Ok((id, format!("by {}", admin.name)))
            })
            .await?;
        let token = self
            .log
            .step("create an invite", async {
                site.call(
                    admin,
                    &CreateInvite {
                        household_id: household.clone(),
                        expires_in_days: "1".to_owned(),
                        single_use: None,
                    },
                )
                .await?
                .expect_success("create_invite")?;
                // Shown once, from the session, on the page the form goes back to.
                let token = site
                    .call(
                        admin,
                        &TakeNewSecret {
                            kind: NewSecret::InviteToken,
                            household_id: Some(household.clone()),
                        },
                    )
                    .await?
                    .expect_success("take_new_secret")?
                    .output_of::<TakeNewSecret>()?;
                let token = token.ok_or_else(|| {
                    "take_new_secret: the new invite link is not waiting".to_owned()
                })?;
                Ok((token, "a link for three people".to_owned()))
            })
            .await?;
        Ok((household, token))
    }

    /// Everyone else joins through the link, and the household then counts them all.
    async fn join_and_count(
        &self,
        members: &[Member],
        household: &str,
        token: &str,
    ) -> Result<(), Failure> {
        let site = self.site;
        let admin = &members[0];
        for member in &members[1..] {
            self.log
                .step(format!("{} joins", member.name), async {
                    site.call(
                        member,
                        &JoinHousehold {
                            token: token.to_owned(),
                        },
                    )
                    .await?
                    .expect_success("join_household")?;
                    Ok(((), "joined through the invite".to_owned()))
                })
                .await?;
        }
        self.log
            .step("count the members", async {
                let overview = site
                    .call(
                        admin,
                        &GetHouseholdOverview {
                            household_id: household.to_owned(),
                        },
                    )
                    .await?
                    .expect_success("get_household_overview")?
                    .output_of::<GetHouseholdOverview>()?;
                if overview.members.len() == accounts::MEMBERS {
                    Ok(((), format!("{} members", accounts::MEMBERS)))
                } else {
                    Err(format!(
                        "expected {} members, found {}",
                        accounts::MEMBERS,
                        overview.members.len()
                    ))
                }
            })
            .await?;
        Ok(())
    }
}
