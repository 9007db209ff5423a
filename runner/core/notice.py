"""What a decision notice (处理决定书) says, as an office issues it (pure, no IO).

It is built from three things only, so that it follows the procedures as they change:
- the deciding step's submission (the user task the diagram marks decisionNotice="true") read through its form:
  every value is printed under the form's own title, a coded choice as its title (which cites the article), a
  date the Chinese way; the form's per-person lists give one section per person or unit named in them;
- the facts the earlier steps recorded through their forms: the case's 查明的事实 (a field of that title) and,
  per person, the text and choice fields of their per-person lists (e.g. 该人员的过错情形);
- the regulation registry entry of the case's process: the issuing body and the remedies (复核/申诉 bodies and
  windows in the text's own words, runner.core.regulations).

Nothing else: the decision tables' proposals and notes are the engine's, not the office's, and never appear; a
free-text value holding Latin words (an engine note copied into a form) is left out and reported in `problems`.
The 发文字号 is what the deciding step recorded (`decision_document_no`); the notice never makes one up: a
missing or malformed one is printed as missing and reported in `problems`.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .calendar import SHANGHAI, chinese_date
from .regulations import Regulation

DOCUMENT_NO_FIELD = "decision_document_no"
DATE_FIELD = "decided_on"
FACTS_TITLE = "查明的事实"
DECIDING_BODY_TITLE = "作出决定的机关"      # where the text leaves the deciding body open, the step records it
NAME_FIELDS = ("person", "name", "agency")  # what names the person or unit of a per-person list item
# GB/T 9704-2012 7.2.4: 发文机关代字〔年份〕序号号 — the year in 六角括号, the number without leading zeros, no 第.
DOCUMENT_NO = re.compile(r"[^\s〔〕第]+〔(?:19|20)[0-9]{2}〕[1-9][0-9]*号")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇]+条(?:\s?[（(][一二三四五六七八九十\d]+[）)])?")
_LATIN = re.compile(r"[A-Za-z]{3,}")
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Line:
    title: str      # the form's title of the field
    text: str       # its value as printed; empty for a yes/no field that holds (the title says it all)


@dataclass(frozen=True)
class Party:
    """One person (or unit) the decision names: what was found about them and what was decided."""
    name: str
    facts: tuple[Line, ...]
    decided: tuple[Line, ...]
    articles: tuple[str, ...]       # the articles cited by the choices and texts above, in order, once each


@dataclass(frozen=True)
class Notice:
    case_id: int
    issuer: str | None              # 发文机关
    document_no: str | None         # 发文字号, as recorded; None when missing or malformed
    title: str                      # 处理决定书, 问责决定书 … (from the decide form's title)
    date: str                       # 成文日期, e.g. 2026年10月9日
    regulation: str | None          # the regulation's full title
    facts: tuple[str, ...]          # 查明的事实
    parties: tuple[Party, ...]
    decided: tuple[Line, ...]       # the decision's own case-wide fields (处理决定内容 …)
    remedies: tuple[str, ...]       # the 复核/申诉 sentences and the execution rule
    problems: tuple[str, ...]       # what keeps it from being issued as it stands, for the office to correct

    @property
    def addressees(self) -> str:
        return "、".join(party.name for party in self.parties)


@dataclass(frozen=True)
class Submission:
    """One completed step: its form's JSON Schema, what was submitted and when."""
    schema: Mapping[str, Any]
    data: Mapping[str, Any]
    at: dt.datetime




def chinese_number(n: int) -> str:
    """一 … 九十九, for numbering the persons (一、二、…)."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十") + (_DIGITS[ones] if ones else "")


def build(case_id: int, decision: Submission, earlier: Sequence[Submission],
          regulation: Regulation | None) -> Notice:
    problems: list[str] = []
    properties = _properties(decision.schema)
    people = _parties(decision, earlier, problems)
    people_fields = {key for key, node in properties.items() if _person_items(node) is not None}
    decided = _lines(((key, node) for key, node in properties.items()
                      if key not in people_fields and key not in (DOCUMENT_NO_FIELD, DATE_FIELD)
                      and node.get("title") != DECIDING_BODY_TITLE),
                     decision.data, problems, case_wide=True)
    number = decision.data.get(DOCUMENT_NO_FIELD)
    if not isinstance(number, str) or not number.strip():
        problems.append("决定步骤未登记发文字号（文号），须登记后方可印发")
        number = None
    elif not DOCUMENT_NO.fullmatch(number.strip()):
        problems.append(f"登记的文号「{number}」不合发文字号格式（如 文民发〔2026〕3号：年份用六角括号，序号不编虚位，"
                        f"不加「第」）")
        number = None
    issuer = _issuer(decision, regulation)
    if issuer is None:
        problems.append("制度未写明发文机关，决定步骤也未登记作出决定的机关")
    facts = _case_facts(earlier, problems)
    return Notice(case_id, issuer, number and number.strip(), _title(decision.schema), _date(decision),
                  regulation.name if regulation else None, facts, people, tuple(decided),
                  remedy_sentences(regulation.remedies) if regulation and regulation.remedies else (),
                  tuple(problems))


def remedy_sentences(remedies: Mapping[str, Any]) -> tuple[str, ...]:
    """The 复核 and 申诉 sentences in the text's own words (none for a remedy the text does not give), citing the
    law the text refers to for them (金寨 二十一), then the execution rule."""
    sentences = []
    review, appeal = remedies.get("review"), remedies.get("appeal")
    if review:
        sentences.append(_remedy(review, "申请复核", also=False))
    if appeal:
        sentences.append(_remedy(appeal, "申诉" if appeal.get("body") else "提出申诉", also=review is not None))
    execution = remedies.get("execution")
    if execution:
        # The rule only: where the text is silent its source quotes 《公务员法》 on 复核 and 申诉, which would read
        # as granting a 复核 the regulation does not give (the registry and the diagram cite it).
        sentences.append(f"{execution['rule'].rstrip('。')}。")
    return tuple(sentences)


def _remedy(remedy: Mapping[str, Any], act: str, also: bool) -> str:
    scope = remedy.get("scope")
    lead = f"对本决定给予的{scope}不服的，" if scope else "如不服本决定，"
    body = f"向{remedy['body']}" if remedy.get("body") else ""
    source = f"（{remedy['source']}）" if remedy.get("source") else ""
    return f"{lead}{'也' if also else ''}可{remedy.get('window') or ''}{body}{act}{source}。"


def _properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: node for key, node in schema.get("properties", {}).items() if isinstance(node, dict)}


def _person_items(node: Mapping[str, Any]) -> tuple[str, dict[str, dict[str, Any]]] | None:
    """(name field, item properties) of a per-person list: an array of objects named by one of NAME_FIELDS
    carrying something besides dates (a list of delivery dates is a record of service, not part of the notice)."""
    items = node.get("items")
    if node.get("type") != "array" or not isinstance(items, dict):
        return None
    properties = _properties(items)
    name = next((key for key in NAME_FIELDS if key in properties), None)
    if name is None or all(p.get("format") == "date" for key, p in properties.items() if key != name):
        return None
    return name, properties


def _entries(submission: Submission) -> Iterable[tuple[str, Mapping[str, Any], dict[str, dict[str, Any]]]]:
    """(name, item, item properties) for every item of the submission's per-person lists."""
    for key, node in _properties(submission.schema).items():
        found = _person_items(node)
        values = submission.data.get(key)
        if found is None or not isinstance(values, list):
            continue
        name_field, properties = found
        for item in values:
            if isinstance(item, dict) and isinstance(item.get(name_field), str):
                yield item[name_field].strip(), item, {k: p for k, p in properties.items() if k != name_field}


def _parties(decision: Submission, earlier: Sequence[Submission], problems: list[str]) -> tuple[Party, ...]:
    decided: dict[str, list[Line]] = {}
    for name, item, properties in _entries(decision):
        decided.setdefault(name, []).extend(_lines(properties.items(), item, problems, case_wide=False))
    facts: dict[str, dict[str, Line]] = {name: {} for name in decided}
    for submission in earlier:               # in the order the steps were done: a later finding replaces
        for name, item, properties in _entries(submission):
            if name in facts:
                for line in _lines(((k, p) for k, p in properties.items() if p.get("type") == "string"
                                    and p.get("format") != "date"), item, problems, case_wide=False):
                    facts[name][line.title] = line
    parties = []
    for name, lines in decided.items():
        # What the decision itself states under the same title (情节等级, 所在科室或单位 …) replaces the finding.
        found = tuple(line for title, line in facts[name].items() if title not in {d.title for d in lines})
        parties.append(Party(name, found, tuple(lines), _articles([*found, *lines])))
    return tuple(parties)


def _lines(fields: Iterable[tuple[str, Mapping[str, Any]]], data: Mapping[str, Any], problems: list[str],
           case_wide: bool) -> list[Line]:
    """The values of `fields` as printed lines. Case-wide, yes/no and date fields are the step's own records
    (已审阅…, 送达日期) rather than what is decided, and lists of objects are sections of their own."""
    lines = []
    for key, node in fields:
        title = node.get("title") or ""
        value = data.get(key)
        if value is None or value == "" or value == [] or not title:
            continue
        if case_wide and (isinstance(value, bool) or node.get("format") == "date"):
            continue
        text = _text(node, value)
        if text is None:
            continue
        if _LATIN.search(text):
            problems.append(f"「{title}」含英文或系统提示文字，未印入决定书：{text}")
            continue
        lines.append(Line(title, text))
    return lines


def _text(node: Mapping[str, Any], value: Any) -> str | None:
    if isinstance(value, bool):
        return "" if value else None
    if isinstance(value, list):
        items = node.get("items")
        parts = [_text(items if isinstance(items, dict) else {}, v) for v in value if not isinstance(v, dict | list)]
        return "；".join(p for p in parts if p) or None
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return None
    choices = {option.get("const"): option.get("title") for option in node.get("oneOf", []) if isinstance(option, dict)}
    if value in choices and choices[value]:
        return str(choices[value])
    if node.get("format") == "date":
        try:
            return chinese_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value.strip()


def _articles(lines: Iterable[Line]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for line in lines:
        for article in _ARTICLE.findall(line.text):
            found.setdefault(re.sub(r"\s", "", article), None)
    return tuple(found)


def _case_facts(earlier: Sequence[Submission], problems: list[str]) -> tuple[str, ...]:
    """The last 查明的事实 recorded before the decision (a later finding replaces an earlier one)."""
    for submission in reversed(earlier):
        for key, node in _properties(submission.schema).items():
            if node.get("title") == FACTS_TITLE and isinstance(submission.data.get(key), str):
                lines = _lines([(key, node)], submission.data, problems, case_wide=True)
                return tuple(paragraph.strip() for line in lines for paragraph in line.text.splitlines()
                             if paragraph.strip())
    return ()


def _issuer(decision: Submission, regulation: Regulation | None) -> str | None:
    """The deciding body the step recorded where the form asks for it, else the regulation's issuer without the
    note on its own 文号 (赤峰市应急管理局（赤应急字〔2020〕25号）)."""
    for key, node in _properties(decision.schema).items():
        value = decision.data.get(key)
        if node.get("title") == DECIDING_BODY_TITLE and isinstance(value, str) and value.strip():
            return value.strip()
    if regulation is None or not regulation.issuer:
        return None
    return re.sub(r"（[^（）]*〔\d{4}〕[^（）]*）$", "", regulation.issuer).strip() or None


def _title(schema: Mapping[str, Any]) -> str:
    """处理决定书, or the text's own word for it as the decide form names the step (作出问责决定 → 问责决定书)."""
    title = str(schema.get("title") or "").removeprefix("作出")
    return f"{title}书" if title.endswith("决定") and len(title) > len("决定") else "处理决定书"


def _date(decision: Submission) -> str:
    """The decision's date as the step recorded it; else the day (Beijing time) the step was completed."""
    value = decision.data.get(DATE_FIELD)
    if isinstance(value, str):
        try:
            return chinese_date(dt.date.fromisoformat(value))
        except ValueError:
            pass
    at = decision.at if decision.at.tzinfo else decision.at.replace(tzinfo=dt.timezone.utc)
    return chinese_date(at.astimezone(SHANGHAI).date())
