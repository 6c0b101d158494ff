"""Daily actuals uploaded or pasted as CSV: read all or nothing, with the errors per line
and field. Pure functions, no database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from .actuals import DailyActual
from .warmup import Provider

CSV_COLUMNS = ("date", "provider", "sent", "delivered", "bounces", "complaints")
MAX_CSV_ROWS = 10_000
# An upload or paste of daily actuals; a larger one is refused whole, never cut.
MAX_CSV_BYTES = 2 * 1024 * 1024
# The most the database holds in a count of one day (a PositiveIntegerField).
MAX_DAILY_COUNT = 2_147_483_647
PROVIDER_ALIASES = {
    "gmail": Provider.GMAIL,
    "google": Provider.GMAIL,
    "microsoft": Provider.MICROSOFT,
    "outlook": Provider.MICROSOFT,
    "hotmail": Provider.MICROSOFT,
    "yahoo": Provider.YAHOO,
    "aol": Provider.YAHOO,
    "yahoo/aol": Provider.YAHOO,
    "apple": Provider.APPLE,
    "icloud": Provider.APPLE,
    "others": Provider.OTHERS,
    "other": Provider.OTHERS,
}


class CsvReason:
    """Why a row was refused. Stable codes: the UI translates them; `message` is English."""

    EMPTY_FILE = "empty_file"
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    WRONG_FIELD_COUNT = "wrong_field_count"
    REQUIRED = "required"
    INVALID_DATE = "invalid_date"
    UNKNOWN_PROVIDER = "unknown_provider"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    OUT_OF_RANGE = "out_of_range"
    MORE_THAN_SENT = "more_than_sent"
    MORE_THAN_DELIVERED = "more_than_delivered"
    DUPLICATE_ROW = "duplicate_row"
    TOO_MANY_ROWS = "too_many_rows"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class CsvRowError:
    line: int  # 1 is the header line
    field: str  # a column name, or "" for the whole row
    reason: str  # a CsvReason code
    message: str


@dataclass(frozen=True)
class ActualsImport:
    """All rows, or no rows and the errors: never half an import."""

    rows: tuple[DailyActual, ...] = ()
    errors: tuple[CsvRowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - only the date is kept
        except ValueError:
            continue
    return None


def _record_lines(text: str, delimiter: str) -> list[int]:
    """The line each record ends on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [reader.line_num for _ in reader]


def parse_actuals_csv(text: str) -> ActualsImport:
    """Parse daily actuals (date, provider, sent, delivered, bounces, complaints).

    Columns may come in any order, with a comma or a semicolon between fields; dates as
    2027-01-31 or 31-01-2027. Every bad row is reported with its line and field.
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return ActualsImport(
            errors=(CsvRowError(1, "", CsvReason.EMPTY_FILE, "The file is empty."),)
        )
    header_line = next(line for line in lines if line.strip())
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[CsvRowError] = []
    header: list[str] | None = None
    rows: list[DailyActual] = []
    seen: dict[tuple[date, str], int] = {}
    data_rows = 0
    try:
        records = list(reader)
    except csv.Error as exc:
        message = f"The file is not readable as CSV ({exc})."
        return ActualsImport(
            errors=(CsvRowError(reader.line_num, "", CsvReason.UNREADABLE, message),)
        )
    lines_of = _record_lines(text, delimiter)
    for index, record in enumerate(records):
        line = lines_of[index]
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in record]
            for column in CSV_COLUMNS:
                if column not in header:
                    errors.append(
                        CsvRowError(
                            line,
                            column,
                            CsvReason.MISSING_COLUMN,
                            f"The header has no column {column!r}; expected "
                            f"{', '.join(CSV_COLUMNS)}.",
                        )
                    )
            for column in header:
                if column not in CSV_COLUMNS:
                    errors.append(
                        CsvRowError(
                            line,
                            column,
                            CsvReason.UNKNOWN_COLUMN,
                            f"The column {column!r} is not one of {', '.join(CSV_COLUMNS)}.",
                        )
                    )
            if errors:
                return ActualsImport(errors=tuple(errors))
            continue
        data_rows += 1
        if data_rows > MAX_CSV_ROWS:
            errors.append(
                CsvRowError(
                    line,
                    "",
                    CsvReason.TOO_MANY_ROWS,
                    f"The file has more than {MAX_CSV_ROWS:,} rows; split it.",
                )
            )
            break
        if len(record) != len(header):
            errors.append(
                CsvRowError(
                    line,
                    "",
                    CsvReason.WRONG_FIELD_COUNT,
                    f"The row has {len(record)} fields; the header has {len(header)}.",
                )
            )
            continue
        values = {column: cell.strip() for column, cell in zip(header, record, strict=True)}
        row_errors = []

        def fail(column: str, reason: str, message: str, _errors=row_errors, _line=line) -> None:
            _errors.append(CsvRowError(_line, column, reason, message))

        when = None
        if not values["date"]:
            fail("date", CsvReason.REQUIRED, "The date is missing.")
        else:
            when = _parse_date(values["date"])
            if when is None:
                fail(
                    "date",
                    CsvReason.INVALID_DATE,
                    f"{values['date']!r} is not a date; write it as 2027-01-31.",
                )
        provider = PROVIDER_ALIASES.get(values["provider"].lower())
        if not values["provider"]:
            fail("provider", CsvReason.REQUIRED, "The mailbox provider is missing.")
        elif provider is None:
            fail(
                "provider",
                CsvReason.UNKNOWN_PROVIDER,
                f"{values['provider']!r} is not a mailbox provider; use one of "
                f"{', '.join(Provider.ALL)}.",
            )
        numbers: dict[str, int] = {}
        for column in CSV_COLUMNS[2:]:
            raw = values[column]
            if not raw:
                fail(column, CsvReason.REQUIRED, f"The number {column} is missing.")
            elif not raw.isascii() or not raw.isdigit():
                fail(
                    column,
                    CsvReason.NOT_A_WHOLE_NUMBER,
                    f"{raw!r} is not a whole number of 0 or more (write 12500, "
                    "without separators).",
                )
            elif len(raw.lstrip("0")) > len(str(MAX_DAILY_COUNT)) or int(raw) > MAX_DAILY_COUNT:
                # The length first: int() refuses thousands of digits with a ValueError.
                fail(
                    column,
                    CsvReason.OUT_OF_RANGE,
                    f"{raw[:20]!r} is more than {MAX_DAILY_COUNT:,}: not a daily count.",
                )
            else:
                numbers[column] = int(raw)
        if len(numbers) == 4:
            if numbers["delivered"] > numbers["sent"]:
                fail("delivered", CsvReason.MORE_THAN_SENT, "More delivered than sent.")
            if numbers["bounces"] > numbers["sent"]:
                fail("bounces", CsvReason.MORE_THAN_SENT, "More bounces than sent.")
            elif (
                numbers["delivered"] <= numbers["sent"] < numbers["delivered"] + numbers["bounces"]
            ):
                fail(
                    "bounces",
                    CsvReason.MORE_THAN_SENT,
                    "Delivered plus bounces is more than sent.",
                )
            if numbers["complaints"] > numbers["delivered"]:
                fail(
                    "complaints",
                    CsvReason.MORE_THAN_DELIVERED,
                    "More complaints than messages delivered.",
                )
        if when is not None and provider is not None:
            first = seen.setdefault((when, provider), line)
            if first != line:
                fail(
                    "",
                    CsvReason.DUPLICATE_ROW,
                    f"{when} for {provider} is already on line {first}.",
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(DailyActual(date=when, provider=provider, **numbers))
    if header is None:  # only empty fields, such as a line of ""
        errors.append(CsvRowError(1, "", CsvReason.EMPTY_FILE, "The file is empty."))
    if errors:
        return ActualsImport(errors=tuple(errors))
    return ActualsImport(rows=tuple(rows))
