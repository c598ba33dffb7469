#!/usr/bin/env python3
"""Writes the minimal request bodies that once got a 5xx (issue 10), one file each. Run from this folder.

The expected status is the last part of the name before .json. Bodies that need bytes JSON cannot spell (invalid
UTF-8) are written here as bytes; the others are plain text so a reader can see what they exercise.
"""
import copy, json

ORDER = {"resourceType": "MedicationRequest", "id": "mr-h", "status": "draft", "intent": "order",
         "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1942959"}]},
         "subject": {"reference": "Patient/pat-h"}, "authoredOn": "2026-11-28"}
PATIENT = {"resourceType": "Patient", "id": "pat-h", "birthDate": "1980-05-14"}


def request(order=None, patient=None, extra_prefetch=None):
    r = {"hook": "order-sign", "hookInstance": "9a7e9a3c-0d5e-4c55-8f10-000000000010",
         "context": {"userId": "Practitioner/prac-1", "patientId": "pat-h",
                     "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order or ORDER}]}},
         "prefetch": {"patient": patient or PATIENT}}
    r["prefetch"].update(extra_prefetch or {})
    return r


def text(name, body):
    with open(name, "w", encoding="utf-8") as f:
        f.write(body if isinstance(body, str) else json.dumps(body, indent=1))


def with_order(**changes):
    order = copy.deepcopy(ORDER)
    order.update(changes)
    return order


base = json.dumps(request())

# Invalid UTF-8 and lone surrogates in envelope strings and keys.
with open("invalid-utf8-in-hookInstance.400.json", "wb") as f:
    f.write(base.replace("9a7e9a3c", "9a7e\xff9a3c").encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
text("lone-surrogate-in-userId.400.json", base.replace("Practitioner/prac-1", "Practitioner/\\ud800"))
text("lone-surrogate-in-context-key.400.json", base.replace('"userId"', '"\\udc00x": "y", "userId"'))
text("lone-surrogate-in-extension-key.400.json", base[:-1] + ', "extension": {"\\ud800": 1}}')

# Duplicate keys in extension, davinci-crd.configuration, and inside a resource that needs shape repair.
text("duplicate-key-in-extension.400.json", base[:-1] + ', "extension": {"a": 1, "a": 2}}')
text("duplicate-key-in-crd-configuration.400.json",
     base[:-1] + ', "extension": {"davinci-crd.configuration": {"alt-drug": true, "alt-drug": false}}}')
order = json.dumps(with_order(category={"text": "community"}))
text("duplicate-key-in-repaired-resource.400.json", base.replace(json.dumps(ORDER), order[:-1] + ', "status": "active"}'))

# A bare choice name ("medication") in a resource that also needs repair: 200, the order names no drug we cover.
text("bare-choice-name-with-repair.200.json",
     request(with_order(medication={"coding": [{"code": "1942959"}]}, category={"text": "community"}) | {}))
bare = request(with_order(category={"text": "community"}))
del bare["context"]["draftOrders"]["entry"][0]["resource"]["medicationCodeableConcept"]
bare["context"]["draftOrders"]["entry"][0]["resource"]["medication"] = {"coding": [{"code": "1942959"}]}
text("bare-choice-name-with-repair.200.json", bare)

# A resource 64 levels deep that repair would wrap one level deeper.
# Properly nested extensions to depth 64, the innermost a single object where R4 wants an array.
deep = {"url": "http://example.org/x", "extension": {"url": "http://example.org/x", "valueString": "x"}}
for _ in range(30):
    deep = {"url": "http://example.org/x", "extension": [deep]}
text("depth-64-resource-with-repair.200.json", request(with_order(category={"text": "community"}, extension=[deep])))

# Abstract resource types, as the order and inside a prefetch search result.
text("resourceType-Resource-as-order.400.json", request({"resourceType": "Resource", "id": "x"}))
text("resourceType-DomainResource-in-prefetch.200.json", request(extra_prefetch={"conditions": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "DomainResource", "id": "x"}}]}}))

# Valid FHIR dates at the ends of the calendar.
text("birthDate-9999-12-31.200.json", request(patient=PATIENT | {"birthDate": "9999-12-31"}))
text("birthDate-0000.200.json", request(patient=PATIENT | {"birthDate": "0000"}))
text("birthDate-9999-12.200.json", request(patient=PATIENT | {"birthDate": "9999-12"}))
text("authoredOn-0001.200.json", request(with_order(authoredOn="0001")))
text("authoredOn-0001-01-01T00-00-00+14-00.200.json", request(with_order(authoredOn="0001-01-01T00:00:00+14:00")))
text("observation-effective-9999-12.200.json", request(extra_prefetch={"observations": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Observation", "id": "o-h", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6"}]},
        "subject": {"reference": "Patient/pat-h"}, "effectiveDateTime": "9999-12"}}]}}))

# Found when Firely's model validator was replaced by FhirValueCheck (issue 10, speed): an array of nulls inside a
# repeating element survives the repair, and the policy walking Condition.code.coding met the null.
text("nested-array-of-nulls-in-coding.200.json", request(extra_prefetch={"conditions": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Condition", "id": "c-h", "code": {"coding": [[None, None]]},
        "subject": {"reference": "Patient/pat-h"}}}]}}))
# A value of the wrong JSON type where the policy reads a typed value: the entry is dropped, never read.
text("wrong-typed-values-in-prefetch.200.json", request(extra_prefetch={"observations": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Observation", "id": "o-t", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": 1742}]},
        "subject": {"reference": "Patient/pat-h"}, "effectiveDateTime": 20261120, "valueQuantity": {"value": "high"}}}]}}))

# Duplicate keys now that the body's parse leaves them to the readers (issue 10, speed): the envelope refuses them
# anywhere it is read, a FHIR resource that is read refuses them (an order or a lone prefetch resource: 400), and a
# search result drops the entry that holds one (200), whichever of the two values comes first.
text("duplicate-hook-key.400.json", base.replace('"hook": "order-sign"', '"hook": "order-sign", "hook": "order-select"'))
text("duplicate-key-in-context-userId.400.json", base.replace('"userId": "Practitioner/prac-1"',
                                                              '"userId": "Practitioner/prac-1", "userId": "Practitioner/other"'))
text("duplicate-prefetch-key.400.json", base.replace('"prefetch": {', '"prefetch": {"patient": null, '))
text("duplicate-key-in-fhirAuthorization.400.json", base[:-1] + ', "fhirServer": "http://127.0.0.1:1/fhir", "fhirAuthorization": '
     '{"access_token": "a", "token_type": "Bearer", "expires_in": 300, "scope": "patient/*.read", "subject": "s", "subject": "t"}}')
text("duplicate-key-in-prefetch-patient.400.json", base.replace('"birthDate": "1980-05-14"', '"birthDate": "1980-05-14", "birthDate": "2020-05-14"'))
text("duplicate-key-in-prefetch-search-entry.200.json", json.dumps(request(extra_prefetch={"observations": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Observation", "id": "o-d", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6"}]},
        "subject": {"reference": "Patient/pat-h"}, "effectiveDateTime": "2026-11-20"}}]}})).replace(
    '"status": "final"', '"status": "final", "status": "entered-in-error"'))
text("duplicate-entry-arrays-in-prefetch-bundle.400.json", base.replace('"prefetch": {', '"prefetch": {"conditions": '
     '{"resourceType": "Bundle", "type": "searchset", "entry": [], "entry": []}, '))

# Found in review: a second resourceType inside a contained resource (Firely keeps the first, silently), and an order
# from the year 1 with a liver test in the prefetch (the lab-date filter's window ran off the calendar).
contained = json.dumps(request(with_order(medicationReference={"reference": "#med"}, contained=[
    {"resourceType": "Medication", "id": "med", "code": {"coding": [
        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1942959"}]}}])))
contained = contained.replace('"code": "1942959"}]}}]', '"code": "1942959"}]}, "resourceType": "Basic"}]')
text("duplicate-resourceType-in-contained-medication.400.json", contained.replace(
    '"medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1942959"}]}, ', ''))
text("authoredOn-0001-with-a-liver-test.200.json", request(with_order(authoredOn="0001-01-01"), extra_prefetch={"observations": {
    "resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Observation", "id": "o-l", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6"}]},
        "subject": {"reference": "Patient/pat-h"}, "effectiveDateTime": "2026-11-20"}}]}}))
