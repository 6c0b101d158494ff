"""Availability measured by the contract's definition (R1, R2): synthetic probes of the
REST API and SMTP injection per region, their results, and the outages the contract's
rule finds in them, which open draft platform incidents and give the monthly figures."""
