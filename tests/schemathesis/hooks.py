"""Checks of motcua's own contract, loaded by schemathesis (SCHEMATHESIS_HOOKS) in
tests/tests/suite/schemathesis.rs: every error answer is RFC 9457 problem+json with the engine's
stable `code`, whatever the operation documents."""

import json

import schemathesis

PROBLEM_FIELDS = {"type": str, "title": str, "status": int, "detail": str, "code": str}


@schemathesis.check
def errors_are_problems(ctx, response, case):
    """A 4xx or 5xx answer is application/problem+json with type, title, status, detail, code."""
    if response.status_code < 400:
        return None
    content_types = response.headers.get("content-type", [])
    content_type = content_types[0].split(";")[0].strip() if content_types else ""
    if content_type != "application/problem+json":
        raise AssertionError(
            f"{response.status_code} answered with content-type {content_type or 'none'!r}, "
            "not application/problem+json"
        )
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"the problem body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise AssertionError("the problem body is not a JSON object")
    for field, kind in PROBLEM_FIELDS.items():
        if not isinstance(body.get(field), kind):
            raise AssertionError(f"the problem has no {kind.__name__} {field!r}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(
            f"the problem says status {body['status']} but the answer is {response.status_code}"
        )
    return None
