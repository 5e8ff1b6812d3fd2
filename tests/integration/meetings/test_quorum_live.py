"""The quorum as a meeting's page works it out from the body's members (issue 12, item 5)."""

import datetime as dt

from govhub.meetings import attendance


async def test_a_standing_substitute_counts_only_while_their_organisation_has_someone_away(
    make_body, make_meeting, make_org, make_person, make_membership
):
    body = await make_body()
    council, nhs = await make_org(name="Council"), await make_org(name="NHS")
    start = dt.date(2024, 1, 1)
    seats = {}
    for name, org, role in [
        ("Cllr Ahmed", council, "member"),
        ("Dr Begum", nhs, "member"),
        ("Sub Chowdhury", council, "substitute"),
    ]:
        person = await make_person(name=name)
        seats[name] = await make_membership(
            person=person, body=body, organisation=org, role=role, start_date=start
        )
    meeting = await make_meeting(body=body)
    members = await attendance.current_members(meeting)
    rule = await attendance.quorum_rule(meeting, members)  # no terms: a majority of 2 seats

    everyone = attendance.AttendanceSheet(
        members, statuses={m.id: "present" for m in seats.values()}
    )
    result = everyone.quorum(rule)
    assert result.present_count == 2
    why = {c.name: (c.counts, c.why) for c in result.counts}
    assert why["Sub Chowdhury"] == (
        False,
        "a substitute whose organisation's members are all present",
    )
    assert why["Cllr Ahmed"] == (True, "a member, present")

    statuses = {m.id: "present" for m in seats.values()}
    statuses[seats["Cllr Ahmed"].id] = "apologies"
    standing_in = attendance.AttendanceSheet(members, statuses=statuses).quorum(rule)
    assert standing_in.met and standing_in.present_count == 2
    assert {c.name for c in standing_in.counts if c.counts} == {"Dr Begum", "Sub Chowdhury"}
