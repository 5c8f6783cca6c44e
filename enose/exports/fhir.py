"""FHIR R4 export for hospital systems: one Observation per risk score, with device and model references.

The bundle (type ``collection``) holds a Device for every e-nose that recorded a
scored session, a Device for every risk model (software, version = its SHA-256)
and one Observation per score: value = probability (unit 1), interpretation =
zone (``no_zone`` for a probability kept for the record only), interval as
components, ``device`` = the e-nose, and the model referenced by an extension.
The subject is referenced by its pseudonymous study code only
(``Reference.identifier``), never by a Patient resource.

Validated with ``fhir.resources``: its default import path models FHIR R5, so we
use ``fhir.resources.R4B`` (FHIR 4.3.0), whose Observation, Device and Bundle are
structurally the R4 (4.0.1) ones for every element used here.
"""

from __future__ import annotations

import json
import uuid

from enose import __version__
from enose.storage.store import Store

__all__ = ["CODE_SYSTEM", "study_bundle", "validate"]

CODE_SYSTEM = "https://enose.example.org/fhir/CodeSystem/enose"
SUBJECT_SYSTEM = "https://enose.example.org/fhir/NamingSystem/subject-code"
MODEL_EXTENSION = "https://enose.example.org/fhir/StructureDefinition/risk-model"
_NS = uuid.UUID("6c1f1f52-7a43-4f0e-9a6b-2f3d8e0c5a11")
_ZONE_TEXT = {"green": "low estimated risk", "orange": "intermediate estimated risk", "red": "high estimated risk",
              "inconclusive": "inconclusive", "blocked": "not given: quality check blocked the score",
              "no_zone": "no zone: the probability is kept for the record only"}  # fmt: skip


def _shown_zone(score: dict) -> str:
    """The zone an Observation interprets: ``no_zone`` when the score kept its probability for the record only.

    Why: such a score is stored with the zone ``inconclusive`` (see :mod:`enose.model.scoring`); its
    ``no_zone`` reason codes tell it apart from a sample unlike the training data (repeat the test).
    """
    try:
        codes = json.loads(score.get("no_zone") or "[]")
    except (TypeError, ValueError):
        codes = []
    return "no_zone" if codes else score["zone"]


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '/'.join(str(p) for p in parts))}"


def _instant(text: str | None) -> str | None:
    """A FHIR instant, or None when only the day is known (a pseudonymous export coarsens times to the day)."""
    return text.replace(" ", "T") if text and len(text) > 10 else None


def _date_time(text: str | None) -> str | None:
    """A FHIR dateTime: a full time, or the day alone."""
    return text.replace(" ", "T") if text else None


def study_bundle(store: Store | None, tables: dict[str, list[dict]], *, devices: dict[str, dict] | None = None) -> dict:
    """A validated FHIR R4 Bundle (as a dict) of every score in ``tables`` (see :func:`study_tables`).

    ``devices`` (serial -> ``{model, firmware}``) defaults to the devices of ``store``.
    """
    sessions = {s["session_uuid"]: s for s in tables["sessions"]}
    if devices is None:
        devices = {r["serial"]: r for r in store.db.query("SELECT serial, model, firmware FROM devices")}
    entries: list[dict] = []
    device_urls: dict[str, str] = {}
    model_urls: dict[tuple, str] = {}
    for score in tables["scores"]:
        session = sessions.get(score["session_uuid"], {})
        serial = session.get("device_serial")
        if serial and serial not in device_urls:
            device_urls[serial] = _urn("device", serial)
            info = devices.get(serial, {})
            entries.append({"fullUrl": device_urls[serial], "resource": {
                "resourceType": "Device", "serialNumber": serial, "status": "active",
                "deviceName": [{"name": info.get("model") or "e-nose", "type": "model-name"}],
                "version": [{"value": info.get("firmware") or session.get("firmware") or "unknown"}],
                "type": {"coding": [{"system": CODE_SYSTEM, "code": "enose-device", "display": "electronic nose"}]},
            }})  # fmt: skip
        model_key = (score["model_id"], score["model_sha256"])
        if score["model_id"] and model_key not in model_urls:
            model_urls[model_key] = _urn("model", *model_key)
            entries.append({"fullUrl": model_urls[model_key], "resource": {
                "resourceType": "Device", "status": "active",
                "deviceName": [{"name": score["model_id"], "type": "model-name"}],
                "version": [{"value": score["model_sha256"] or "unknown"},
                            {"value": score["software_version"], "type": {"text": "enose software"}}],
                "type": {"coding": [{"system": CODE_SYSTEM, "code": "risk-model", "display": "breath risk model"}]},
            }})  # fmt: skip
        zone = _shown_zone(score)
        observation: dict = {
            "resourceType": "Observation",
            "status": "final" if score["probability"] is not None else "cancelled",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "exam"}]}],
            "code": {"coding": [{"system": CODE_SYSTEM, "code": "lung-cancer-breath-risk",
                                 "display": "Lung cancer risk estimated from exhaled breath (e-nose)"}],
                     "text": "Breath e-nose lung cancer risk (not a diagnosis)"},
            "identifier": [{"system": f"{CODE_SYSTEM}/score", "value": f"{score['site_uuid']}/{score['score_id']}"}],
            "interpretation": [{"coding": [{"system": CODE_SYSTEM, "code": zone}],
                                "text": _ZONE_TEXT.get(zone, zone)}],
            "note": [{"text": "Decision support for a CT-referral discussion; not a diagnosis. "
                              f"enose {__version__}, processing {score['processing_version']}."}],
        }  # fmt: skip
        if session.get("subject_code"):
            observation["subject"] = {"identifier": {"system": SUBJECT_SYSTEM, "value": session["subject_code"]},
                                      "display": "pseudonymous study subject"}  # fmt: skip
        if _instant(score["created_at"]):
            observation["issued"] = _instant(score["created_at"])
        if session.get("started_at"):
            observation["effectiveDateTime"] = _date_time(session["started_at"])
        if serial:
            observation["device"] = {"reference": device_urls[serial]}
        if score["model_id"]:
            observation["extension"] = [{"url": MODEL_EXTENSION, "valueReference": {"reference": model_urls[model_key],
                                                                                   "display": score["model_id"]}}]  # fmt: skip
        if score["probability"] is not None:
            observation["valueQuantity"] = {"value": score["probability"], "unit": "probability",
                                            "system": "http://unitsofmeasure.org", "code": "1"}  # fmt: skip
            components = []
            for bound in ("interval_low", "interval_high"):
                if score[bound] is not None:
                    components.append({"code": {"coding": [{"system": CODE_SYSTEM, "code": bound}]},
                                       "valueQuantity": {"value": score[bound], "unit": "probability",
                                                         "system": "http://unitsofmeasure.org", "code": "1"}})  # fmt: skip
            if components:
                observation["component"] = components
        else:
            observation["dataAbsentReason"] = {"text": "; ".join(
                r.get("message", r.get("code", "")) for r in json.loads(score["qc_reasons"] or "[]")) or score["zone"]}  # fmt: skip
        entries.append({"fullUrl": _urn("score", score["site_uuid"], score["score_id"]), "resource": observation})
    bundle = {"resourceType": "Bundle", "type": "collection", "identifier": {"system": CODE_SYSTEM, "value": str(uuid.uuid4())},
              "entry": entries}  # fmt: skip
    validate(bundle)
    return bundle


def validate(bundle: dict) -> None:
    """Raise ``ValueError`` (pydantic's ValidationError) if the bundle or any resource is not valid FHIR R4(B)."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.device import Device
    from fhir.resources.R4B.observation import Observation

    Bundle.model_validate(bundle)
    kinds = {"Device": Device, "Observation": Observation}
    for entry in bundle.get("entry", []):
        kinds[entry["resource"]["resourceType"]].model_validate(entry["resource"])
