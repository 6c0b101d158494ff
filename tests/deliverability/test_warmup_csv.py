"""Daily actuals from a CSV upload: all rows or clear errors per row, never half."""

from datetime import date

from deliverability.programme.actuals import DailyActual
from deliverability.programme.actuals_csv import CsvReason, CsvRowError, parse_actuals_csv


def test_a_good_file_gives_every_row():
    result = parse_actuals_csv(
        "date,provider,sent,delivered,bounces,complaints\n"
        "2027-01-04,gmail,200,196,4,0\n"
        "\n"
        "2027-01-04,Outlook,150,150,0,1\n"
    )
    assert result.ok
    assert result.rows == (
        DailyActual(date(2027, 1, 4), "gmail", 200, 196, 4, 0),
        DailyActual(date(2027, 1, 4), "microsoft", 150, 150, 0, 1),
    )


def test_semicolons_dutch_dates_any_column_order_and_a_byte_order_mark_are_read():
    result = parse_actuals_csv(
        "\ufeffProvider;Date;Sent;Delivered;Bounces;Complaints\r\nAOL;31-01-2027;10;9;1;0\r\n"
    )
    assert result.rows == (DailyActual(date(2027, 1, 31), "yahoo", 10, 9, 1, 0),)


def test_one_bad_row_means_no_rows_and_every_error_names_its_line_and_field():
    result = parse_actuals_csv(
        "date,provider,sent,delivered,bounces,complaints\n"
        "2027-01-04,gmail,200,196,4,0\n"
        "2027-02-30,hotmail,1.000,10,0,0\n"
        "2027-01-05,gmx,10,12,0,0\n"
        "2027-01-06,apple,10,5,6,6\n"
        "2027-01-04,google,1,1,0,0\n"
        "2027-01-07,apple,10\n"
        ",,,,,\n"
        "2027-01-08,,,,,\n"
    )
    assert result.rows == ()
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (3, "date", CsvReason.INVALID_DATE),
        (3, "sent", CsvReason.NOT_A_WHOLE_NUMBER),
        (4, "provider", CsvReason.UNKNOWN_PROVIDER),
        (4, "delivered", CsvReason.MORE_THAN_SENT),
        (5, "bounces", CsvReason.MORE_THAN_SENT),
        (5, "complaints", CsvReason.MORE_THAN_DELIVERED),
        (6, "", CsvReason.DUPLICATE_ROW),
        (7, "", CsvReason.WRONG_FIELD_COUNT),
        (9, "provider", CsvReason.REQUIRED),
        (9, "sent", CsvReason.REQUIRED),
        (9, "delivered", CsvReason.REQUIRED),
        (9, "bounces", CsvReason.REQUIRED),
        (9, "complaints", CsvReason.REQUIRED),
    ]
    assert result.errors[0].message == "'2027-02-30' is not a date; write it as 2027-01-31."
    assert result.errors[6].message == "2027-01-04 for gmail is already on line 2."


def test_a_header_without_a_needed_column_is_refused_before_the_rows():
    result = parse_actuals_csv("date,provider,sent,delivered,bounce\n2027-01-04,gmail,1,1,0\n")
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (1, "bounces", CsvReason.MISSING_COLUMN),
        (1, "complaints", CsvReason.MISSING_COLUMN),
        (1, "bounce", CsvReason.UNKNOWN_COLUMN),
    ]


def test_an_empty_file_is_an_error_and_a_header_alone_is_no_rows():
    assert parse_actuals_csv(" \n\n").errors == (
        CsvRowError(1, "", CsvReason.EMPTY_FILE, "The file is empty."),
    )
    assert parse_actuals_csv('""\n"",""\n').errors[0].reason == CsvReason.EMPTY_FILE
    only_header = parse_actuals_csv("date,provider,sent,delivered,bounces,complaints\n")
    assert only_header.ok and only_header.rows == ()


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr("deliverability.programme.actuals_csv.MAX_CSV_ROWS", 2)
    lines = ["date,provider,sent,delivered,bounces,complaints"]
    lines += [f"2027-01-0{d},gmail,1,1,0,0" for d in (1, 2, 3)]
    result = parse_actuals_csv("\n".join(lines))
    assert [(e.line, e.reason) for e in result.errors] == [(4, CsvReason.TOO_MANY_ROWS)]
