"""The problems the account, deliverability and incident endpoints may answer, for the
schema."""

from .cases import PROBLEM

READ_ERRORS = {code: PROBLEM for code in (401, 403, 404, 429)}
UPLOAD_ERRORS = {code: PROBLEM for code in (400, 401, 403, 404, 413, 415, 422, 429)}
