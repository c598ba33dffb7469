#!/usr/bin/env python3
"""Builds order-sign-90-resources.json: scenario 05's order-sign request with six months of labs and medication history
(90 resources in the prefetch), the realistic large body of issue 10's load runs. Run from this folder."""
import copy, datetime, json

src = json.load(open("../scenarios/05-ph-negative-adult-all-met/request.json"))
req = copy.deepcopy(src)
labs = [("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 9.8, 13.5, 17.5),
        ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 3.1, 4.5, 11.0),
        ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 88, 150, 400),
        ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.9, 0.7, 1.3),
        ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 31, 7, 56),
        ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 28, 10, 40),
        ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.8, 0.1, 1.2),
        ("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 92, 40, 129)]
obs = req["prefetch"]["observations"]["entry"]
start = datetime.date(2026, 6, 1)
n = 0
for week in range(8):
    day = (start + datetime.timedelta(days=21 * week)).isoformat()
    for code, display, unit, value, low, high in labs:
        n += 1
        obs.append({"fullUrl": f"http://127.0.0.1:5826/fhir/r4/Observation/lab-{n}", "resource": {
            "resourceType": "Observation", "id": f"lab-{n}", "meta": {"lastUpdated": day + "T10:00:00Z"},
            "text": {"status": "generated", "div": f"<div xmlns=\"http://www.w3.org/1999/xhtml\">{display}: {value} {unit} ({day})</div>"},
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory", "display": "Laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display},
            "subject": {"reference": "Patient/pat-05"}, "effectiveDateTime": day + "T08:30:00Z", "issued": day + "T10:00:00Z",
            "performer": [{"reference": "Organization/lab-1", "display": "Hospital laboratory"}],
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
            "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "N", "display": "Normal"}]}],
            "referenceRange": [{"low": {"value": low, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
                                "high": {"value": high, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}]},
            "search": {"mode": "match"}})
admins = req["prefetch"]["medicationAdministrations"]
admins.setdefault("entry", [])
for i in range(16):
    day = (start + datetime.timedelta(days=7 * i)).isoformat()
    admins["entry"].append({"fullUrl": f"http://127.0.0.1:5826/fhir/r4/MedicationAdministration/ma-{i}", "resource": {
        "resourceType": "MedicationAdministration", "id": f"ma-{i}", "status": "completed",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "11202", "display": "vincristine"}], "text": "vincristine"},
        "subject": {"reference": "Patient/pat-05"}, "effectivePeriod": {"start": day + "T09:00:00Z", "end": day + "T09:30:00Z"},
        "performer": [{"actor": {"reference": "Practitioner/prac-1"}}],
        "dosage": {"text": "1.4 mg/m2 IV push", "route": {"coding": [{"system": "http://snomed.info/sct", "code": "47625008", "display": "Intravenous route"}]},
                   "dose": {"value": 2, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}},
        "search": {"mode": "match"}})
admins["total"] = len(admins["entry"])
req["prefetch"]["observations"]["total"] = len(obs)
count = sum(len(v.get("entry", [])) if v.get("resourceType") == "Bundle" else 1 for v in req["prefetch"].values())
text = json.dumps(req, indent=1)
open("order-sign-90-resources.json", "w").write(text)
print(count, "resources,", len(text), "bytes")
