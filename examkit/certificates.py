"""TLS material for the hall and the central: a CA that lab PCs trust once, a server certificate.

The server certificate names the machine's host name, `<host>.local`, its LAN addresses and
localhost, so a browser reaches the hall by any of them without a warning once it trusts the CA.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from examkit.sealing import write_secret

CA_CERT, SERVER_CERT = "ca.crt", "server.crt"
CA_KEY, SERVER_KEY = "ca.key", "server.key"


@dataclass(frozen=True)
class TlsPaths:
    """Where `hall init` puts the TLS files."""

    tls_dir: Path
    secrets_dir: Path

    @property
    def ca_cert(self) -> Path:
        """The hall CA, public: lab PCs download it from /ca.crt."""
        return self.tls_dir / CA_CERT

    @property
    def server_cert(self) -> Path:
        """The server certificate."""
        return self.tls_dir / SERVER_CERT

    @property
    def server_key(self) -> Path:
        """The server's private key (0600)."""
        return self.secrets_dir / SERVER_KEY


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "examhall"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _alt_names(dns_names: list[str], addresses: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = [x509.DNSName(n) for n in dict.fromkeys(dns_names)]
    entries += [x509.IPAddress(ipaddress.ip_address(a)) for a in dict.fromkeys(addresses)]
    return x509.SubjectAlternativeName(entries)


def make_hall_tls(paths: TlsPaths, hall_name: str, dns_names: list[str], addresses: list[str]) -> None:
    """Makes the hall CA and a server certificate for these names; keeps existing files."""
    if paths.server_cert.exists():
        return
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"examhall CA for {hall_name}")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                       critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder().subject_name(_name(dns_names[0])).issuer_name(ca_name)
        .public_key(server_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(_alt_names(dns_names, addresses), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths.tls_dir.mkdir(parents=True, exist_ok=True)
    write_secret(paths.secrets_dir / CA_KEY, _pem_key(ca_key))
    write_secret(paths.server_key, _pem_key(server_key))
    paths.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    chain = server_cert.public_bytes(serialization.Encoding.PEM) + paths.ca_cert.read_bytes()
    paths.server_cert.write_bytes(chain)


def fingerprint(cert_path: Path) -> str:
    """SHA-256 of the (first) certificate in a PEM file, hex: what TXT `fp` and /join show."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def server_ssl_context(paths: TlsPaths) -> ssl.SSLContext:
    """The context `hall serve` listens with."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(paths.server_cert, paths.server_key)
    return context
