"""The call list: a file in (bytes, or on disk read as it goes), validated rows and line-numbered errors out.
Touches no database.

Columns (`CALL_COLUMNS`): call_id, employee_no, started_at, duration_s, channel, recording_url and, optionally,
transcript. `call_id` is the key: the same call twice in one file is an error. `started_at` is
`YYYY-MM-DD HH:MM[:SS]` in Asia/Shanghai time, or ISO 8601 with an offset; `recording_url` is an http(s) link
(stored and shown, never fetched); `transcript` is plain text of at most 200 KB (UTF-8), one utterance a line.
Whether the people exist is checked by the import service, which has the database.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from assessments.models.qa import TRANSCRIPT_MAX_BYTES, CallChannel
from portal.importing import DuplicateKeys, RowParser, RowStream
from portal.tabular.errors import FieldError, RowError
from portal.tabular.fields import half_width, parse_choice, parse_employee_no, parse_int
from portal.tabular.mapping import ColumnMapping

CALL_COLUMNS = ["call_id", "employee_no", "started_at", "duration_s", "channel", "recording_url"]
CALL_OPTIONAL_COLUMNS = ["transcript"]
CALL_HEADER_ALIASES = {
    "call_id": ("通话编号", "通话ID", "呼叫编号"),
    "employee_no": ("工号", "员工编号", "坐席工号"),
    "started_at": ("开始时间", "通话开始时间"),
    "duration_s": ("通话时长", "时长(秒)", "通话时长(秒)"),
    "channel": ("渠道", "接入渠道"),
    "recording_url": ("录音地址", "录音链接"),
    "transcript": ("转写文本", "通话文本"),
}
CHANNEL_SYNONYMS = {
    "电话": CallChannel.PHONE,
    "语音": CallChannel.PHONE,
    "在线": CallChannel.CHAT,
    "在线客服": CallChannel.CHAT,
    "聊天": CallChannel.CHAT,
    "邮件": CallChannel.EMAIL,
    "视频": CallChannel.VIDEO,
    "其他": CallChannel.OTHER,
}
# A month of calls at 10,000 agents is about a million rows; the reader's usual bounds are for smaller files.
CALLS_MAX_ROWS = 2_000_000
CALLS_MAX_BYTES = 2 * 1024 * 1024 * 1024
MAX_DURATION_S = 24 * 3600
# How often a long read reports how far it is (rows).
PROGRESS_EVERY = 10_000

SHANGHAI = ZoneInfo("Asia/Shanghai")
_LOCAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")
# A link people open from the page: http(s) and a host, no spaces or control characters. (Django's URLValidator
# checks more, but costs more than the rest of a row together at a million rows.)
_URL = re.compile(r"https?://[^\s/?#@\\]+(?:[/?#]\S*)?", re.IGNORECASE)
CHANNELS = tuple(CallChannel.values)


@dataclass(slots=True)
class CallRow:
    line: int
    call_id: str
    employee_no: str
    started_at: datetime  # aware
    duration_s: int
    channel: str
    recording_url: str  # "" when blank (a re-import then keeps the stored link)
    transcript: str  # "" when blank (likewise)

    @property
    def month(self) -> date:
        """The first day of the call's Asia/Shanghai month."""
        return self.started_at.astimezone(SHANGHAI).date().replace(day=1)


def calls_file_parse(
    data: bytes,
    file_name: str,
    *,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[CallRow], list[RowError]]:
    """Every valid row of a call list held in memory and every error found (by line). Any error refuses the
    file. `progress(n)` is told every PROGRESS_EVERY rows read."""
    return calls_file_rows(io.BytesIO(data), file_name, mapping=mapping, progress=progress).collect()


def calls_file_rows(
    source: BinaryIO,
    file_name: str,
    *,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], None] | None = None,
) -> RowStream:
    """A call list on disk read as it is iterated (a month's file can be a million rows): the valid rows in file
    order, with the errors gathering in `RowStream.errors`. `progress(n)` is told every PROGRESS_EVERY rows."""
    repeated = DuplicateKeys(
        _("call_id: %(id)s appears again (first on line %(first)s)."), column="call_id", key_name="id"
    )
    parse_row = _parse_row
    if progress is not None:
        read = 0

        def parse_row(row: RowParser) -> CallRow:
            nonlocal read
            read += 1
            if read % PROGRESS_EVERY == 0:
                progress(read)
            return _parse_row(row)

    return RowStream(
        source,
        file_name,
        columns=CALL_COLUMNS,
        optional=CALL_OPTIONAL_COLUMNS,
        aliases=CALL_HEADER_ALIASES,
        mapping=mapping,
        parse_row=parse_row,
        unique=[(repeated, lambda row: row.call_id)],
        max_rows=CALLS_MAX_ROWS,
        max_bytes=CALLS_MAX_BYTES,
    )


def _parse_row(row: RowParser) -> CallRow:
    return CallRow(
        line=row.line,
        call_id=row.take(parse_call_id, "call_id"),
        employee_no=row.take(parse_employee_no, "employee_no"),
        started_at=row.take(parse_started_at, "started_at"),
        duration_s=row.take(parse_int, "duration_s", min_value=0, max_value=MAX_DURATION_S),
        channel=row.take(parse_choice, "channel", choices=CHANNELS, synonyms=CHANNEL_SYNONYMS),
        recording_url=row.take(parse_recording_url, "recording_url"),
        transcript=row.take(parse_transcript_text, "transcript"),
    )


def parse_call_id(text: str, *, column: str) -> str:
    """The call-centre's id of the call, kept as text: at most 64 printable characters."""
    text = half_width(text)
    if not text:
        raise FieldError(_("%(column)s is required.") % {"column": column}, column)
    if len(text) > 64 or not text.isprintable():
        raise FieldError(
            _("%(column)s: %(value)r is not a call id (at most 64 printable characters).")
            % {"column": column, "value": text[:80]},
            column,
        )
    return text


def parse_started_at(text: str, *, column: str) -> datetime:
    """`YYYY-MM-DD HH:MM[:SS]` in Asia/Shanghai time, or ISO 8601 with an offset (`2026-10-03T09:15:00+08:00`);
    returns an aware date-time."""
    text = half_width(text)
    values = {"column": column, "value": text}
    if not text:
        raise FieldError(_("%(column)s is required.") % {"column": column}, column)
    try:
        local = _LOCAL.fullmatch(text)
        if local:
            year, month, day, hour, minute, second = (int(part or 0) for part in local.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
        if _OFFSET.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(_("%(column)s: %(value)s is not a real date and time.") % values, column) from None
    raise FieldError(
        _(
            "%(column)s: %(value)r is not a date and time; write YYYY-MM-DD HH:MM:SS, e.g. 2026-10-03 09:15:00."
        )
        % values,
        column,
    )


def parse_recording_url(text: str, *, column: str) -> str:
    """An http(s) link of at most 500 characters, or "" when blank."""
    text = text.strip()
    if not text:
        return ""
    if len(text) > 500 or not _URL.fullmatch(text) or not text.isprintable():
        raise FieldError(
            _("%(column)s: %(value)r is not an http(s) link of at most 500 characters.")
            % {"column": column, "value": text[:80]},
            column,
        )
    return text


def parse_transcript_text(text: str, *, column: str) -> str:
    """Plain text of at most 200 KB (UTF-8), line ends made `\\n`; "" when blank."""
    text = text.strip()
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) * 4 > TRANSCRIPT_MAX_BYTES and len(text.encode()) > TRANSCRIPT_MAX_BYTES:
        raise FieldError(
            _("%(column)s: the transcript is larger than %(kb)s KB.")
            % {"column": column, "kb": TRANSCRIPT_MAX_BYTES // 1024},
            column,
        )
    return text
