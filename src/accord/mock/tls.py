"""A self-signed certificate for TLS mock servers, made on the fly once per process.

The key and certificate (valid for ``localhost``, ``127.0.0.1`` and ``::1``) are written to a
private temporary directory removed at exit. They are made with the ``cryptography`` package
when it is importable, else with the ``openssl`` command. Clients trust the certificate with
``ssl.create_default_context(cafile=cert_path)``.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

__all__ = ["self_signed_certificate"]

_lock = threading.Lock()
_cached: tuple[Path, Path] | None = None


def self_signed_certificate() -> tuple[Path, Path]:
    """(certificate PEM path, private key PEM path), made on first use."""
    global _cached
    with _lock:
        if _cached is None or not _cached[0].exists():
            directory = Path(tempfile.mkdtemp(prefix="accord-tls-"))
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            cert, key = directory / "cert.pem", directory / "key.pem"
            try:
                _with_cryptography(cert, key)
            except ImportError:
                _with_openssl(cert, key)
            _cached = (cert, key)
        return _cached


def _with_cryptography(cert_path: Path, key_path: Path) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _with_openssl(cert_path: Path, key_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("a TLS mock server needs a certificate: install the 'cryptography' "
                           "package or the 'openssl' command")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key_path), "-out", str(cert_path), "-days", "2",
         "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
         "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, capture_output=True, timeout=60,
    )
    key_path.chmod(0o600)
