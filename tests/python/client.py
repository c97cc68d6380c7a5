"""A government system in another language: a Python grpcio client generated
from proto/ submits an application signed with EDS and reads it back.

It shows that the contracts stand on their own: the stubs come from the
.proto files alone (grpcio-tools), the signature is made with other
libraries than the suite's (a detached CMS SignedData assembled with
`asn1crypto`, signed SHA-256 with RSA by `cryptography`), and the caller is
a relaying government system.

    python tests/python/client.py [--intake HOST:PORT] [--centre HOST:PORT]
                                  [--pki DIRECTORY] [--clock-shift-seconds N]

With --pki (a development PKI, `housing-dev-pki`) the client connects over
mutual TLS with the certificate `python-government-system.pem` of that
directory, which is then what names it; without it, in plaintext to a suite
in the insecure loopback mode, where it names itself in metadata.

--clock-shift-seconds signs at the suite's business time when its clock is
shifted (HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS, as in the compose tests).

The test PKI of registry-gateway issues the citizen's signing certificate.
Prints the application's name and the state it reached; exits non-zero on
any failure.
"""

import argparse
import datetime
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO = ROOT / "proto"

# Aigerim Seitkali (demo D01): married to D02, who consents; two minor children.
APPLICANT = "900512490013"
SPOUSE = "880203390020"
KARAGANDA = "351610000"


def generate_stubs(out: pathlib.Path) -> None:
    """Generates the Python modules of every contract with grpcio-tools."""
    files = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO}",
         f"--python_out={out}", f"--grpc_python_out={out}", *files],
        check=True,
    )
    sys.path.insert(0, str(out))


def sign_detached(content: bytes, certificate_der: bytes, key, signing_time) -> bytes:
    """A detached CMS SignedData (RFC 5652) over `content`: one signer, SHA-256
    with RSA, with the contentType, signingTime and messageDigest attributes.
    Built by hand so that the signing time is the caller's choice."""
    import hashlib
    from asn1crypto import algos, cms, x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    certificate = asn1_x509.Certificate.load(certificate_der)
    # DER orders a SET OF by encoding; these three encode in this order.
    signed_attributes = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time",
                          "values": [cms.Time({"utc_time": signing_time})]}),
        cms.CMSAttribute({"type": "message_digest",
                          "values": [hashlib.sha256(content).digest()]}),
    ])
    # The signature covers the attributes' DER with the SET OF tag (RFC 5652 §5.4).
    signature = key.sign(signed_attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
            "issuer": certificate.issuer,
            "serial_number": certificate.serial_number,
        })}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attributes,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": cms.ContentInfo({"content_type": "data"}),
        "certificates": [cms.CertificateChoices({"certificate": certificate})],
        "signer_infos": [signer],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intake", default="127.0.0.1:50051")
    parser.add_argument("--centre", default="127.0.0.1:50053")
    parser.add_argument("--pki", default=None)
    parser.add_argument("--clock-shift-seconds", type=int, default=0)
    arguments = parser.parse_args()

    out = pathlib.Path(tempfile.mkdtemp(prefix="housing-python-"))
    generate_stubs(out)
    import grpc
    from cryptography.hazmat.primitives import serialization
    from google.protobuf import timestamp_pb2
    from housing.intake.v1 import intake_pb2, intake_pb2_grpc
    from housing.common.v1 import common_pb2
    from housing.registry.v1 import certification_pb2, certification_pb2_grpc

    def channel(target: str):
        if arguments.pki is None:
            return grpc.insecure_channel(target)
        pki = pathlib.Path(arguments.pki)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=(pki / "ca.pem").read_bytes(),
            private_key=(pki / "python-government-system.key").read_bytes(),
            certificate_chain=(pki / "python-government-system.pem").read_bytes(),
        )
        return grpc.secure_channel(target, credentials)

    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=arguments.clock_shift_seconds)

    def timestamp(instant: datetime.datetime) -> timestamp_pb2.Timestamp:
        value = timestamp_pb2.Timestamp()
        value.FromDatetime(instant)
        return value

    # The citizen's signing certificate, from the certification centre.
    centre = certification_pb2_grpc.CertificationCentreServiceStub(
        channel(arguments.centre))
    issued = centre.IssueCertificate(certification_pb2.IssueCertificateRequest(
        iin=APPLICANT,
        common_name="SEITKALI AIGERIM",
        purpose=certification_pb2.KEY_PURPOSE_SIGNING,
        not_before=timestamp(now - datetime.timedelta(days=1)),
        not_after=timestamp(now + datetime.timedelta(days=365)),
    ), timeout=10)
    key = serialization.load_der_private_key(issued.private_key_pkcs8_der, password=None)

    # The form of Appendix 3, as the citizen fills it in; its exact bytes are signed.
    form = intake_pb2.ApplicationForm(
        form_version="APPENDIX-3/2025",
        applicant_iin=APPLICANT,
        declared_family=[intake_pb2.DeclaredFamilyMember(
            iin=SPOUSE, relation=intake_pb2.FAMILY_RELATION_SPOUSE)],
        track=common_pb2.TRACK_NO_HOUSING,
        stock=common_pb2.STOCK_GENERAL,
        locality_kato=KARAGANDA,
        consents=intake_pb2.Consents(
            housing_check=True,
            data_processing=True,
            publication=True,
            registration_without_category=True,
            family_member_consents=[intake_pb2.FamilyMemberConsent(
                member_iin=SPOUSE, given_by_iin=SPOUSE,
                consent_time=timestamp(now - datetime.timedelta(hours=1)))],
        ),
    )
    content = form.SerializeToString()
    signature = sign_detached(content, issued.certificate_der, key,
                              now - datetime.timedelta(minutes=1))

    # Submitted by a relaying government system: its certificate names it
    # (mutual TLS); in the insecure mode it names itself.
    intake = intake_pb2_grpc.ApplicationIntakeServiceStub(channel(arguments.intake))
    system = (("x-caller-role", "system"), ("x-caller-id", "python-government-system"))
    submitted = intake.SubmitApplication(intake_pb2.SubmitApplicationRequest(
        request_id=str(uuid.uuid4()),
        signed_form=common_pb2.SignedDocument(content=content, cms_signature=signature),
    ), metadata=system, timeout=10).application
    assert submitted.signature.signer_iin == APPLICANT, submitted.signature

    # Read back until eligibility's first decision reaches intake.
    decided = {intake_pb2.Application.STATE_REGISTERED,
               intake_pb2.Application.STATE_HEARING_SCHEDULED,
               intake_pb2.Application.STATE_DENIED}
    for _ in range(120):
        application = intake.GetApplication(
            intake_pb2.GetApplicationRequest(name=submitted.name),
            metadata=system, timeout=10).application
        if application.state in decided:
            break
        time.sleep(0.25)
    else:
        print(f"{submitted.name}: no decision in 30 s", file=sys.stderr)
        return 1

    # A bad request gets INVALID_ARGUMENT with a stable reason, as for any client.
    try:
        intake.GetApplication(intake_pb2.GetApplicationRequest(name="nonsense"),
                              metadata=system, timeout=10)
        print("a malformed name was accepted", file=sys.stderr)
        return 1
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.code()

    state = intake_pb2.Application.State.Name(application.state)
    print(f"{application.name} {state} {application.latest_decision}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
