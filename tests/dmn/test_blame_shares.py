"""blame_shares: the one rule that turns a blame table's rows into shares of named people, for blame() (the CLI)
and for the diagrams (盐池 compose_blame, 文水 compose_proposal). No table here: the rows are what any table gives."""
from __future__ import annotations

from runner.core.blame import blame_shares

OFFICER_NONE = {"role": "officer", "grade": "none", "basis": "明山 第六条(7)：不追究执法个人的责任"}
OFFICER_LIABLE = {"role": "officer", "grade": "liable", "basis": "明山 第八条(2)：追究具体执法人员的责任"}


def test_two_articles_grading_one_person_differently_leave_it_to_a_person_citing_both() -> None:
    """Never a silent pick by row order: whichever row comes first, the share is undetermined and cites both."""
    for rows in ([OFFICER_NONE, OFFICER_LIABLE], [OFFICER_LIABLE, OFFICER_NONE]):
        [share] = blame_shares(rows, {"officer": "张三"})
        assert (share["person"], share["grade"]) == ("张三", "undetermined")
        assert "明山 第六条(7)" in share["basis"] and "明山 第八条(2)" in share["basis"]
        assert "不承担责任" in share["basis"] and "追究责任" in share["basis"] and share["basis"].endswith("由人决定")


def test_the_same_grade_under_two_articles_is_one_share_citing_both() -> None:
    rows = [OFFICER_LIABLE, {"role": "officer", "grade": "liable", "basis": "明山 第九条：除追究承办人员责任外"}]
    assert blame_shares(rows, {"officer": "张三"}) == [
        {"role": "officer", "person": "张三", "grade": "liable", "basis": "明山 第八条(2)：追究具体执法人员的责任；明山 第九条：除追究承办人员责任外"}]


def test_roles_become_names_and_participant_rows_become_each_participants_grade() -> None:
    rows = [{"role": "head", "grade": "primary", "basis": "盐池 第七条(三)"},
            {"role": "participant", "grade": "undetermined", "basis": "盐池 第七条(三)：逐人评定"},
            {"role": "reviewer_approver", "grade": "primary", "basis": "盐池 第七条(二)"}]
    grades = [{"person": "甲", "grade": "secondary", "basis": "盐池 第七条(三)：主张错误意见"}]
    assert [(s["role"], s["person"], s["grade"]) for s in blame_shares(
        rows, {"head": "王局长", "reviewer": "李四", "approver": "王五"}, grades)] == [
        ("head", "王局长", "primary"), ("participant", "甲", "secondary"),
        ("reviewer_approver", "李四", "primary"), ("reviewer_approver", "王五", "primary")]


def test_no_row_is_one_undetermined_share_saying_why() -> None:
    assert blame_shares([], {}, None, "盐池 第七条：没有适用的规则") == [
        {"role": None, "person": None, "grade": "undetermined", "basis": "盐池 第七条：没有适用的规则"}]
