"""Applicants' personal data (个人信息): names encrypted, ID numbers kept as a keyed hash and a mask.

The full name is decrypted only for a staff view of one case; public screens and events
see the masked forms. Keys are derived from the server's secret with HKDF, one per use,
so the name key and the ID-hash key never coincide.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hall.services.errors import Invalid

__all__ = ["PersonalData", "mask_name", "mask_id", "valid_id_number", "valid_credit_code"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
# 统一社会信用代码 (GB 32100): 18 characters from digits and capitals without I, O, Z, S, V.
_CREDIT_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def _derive(secret: str, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the server's secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hall personal data", info=purpose).derive(
        secret.encode("utf-8"))


def valid_id_number(value: str) -> bool:
    """居民身份证号码: 18 characters whose last is the GB 11643 check character."""
    if not _ID_FORMAT.match(value):
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def valid_credit_code(value: str) -> bool:
    """统一社会信用代码: 18 characters of the code's alphabet."""
    return bool(_CREDIT_FORMAT.match(value))


def mask_name(name: str) -> str:
    """A name with only its first and last characters shown: 张三丰 → 张*丰, 张三 → 张*."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(value: str) -> str:
    """An ID number or credit code with its first character and last four shown (staff only)."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 5) + value[-4:]


class PersonalData:
    """Encrypts names and hashes ID numbers with keys derived from the server's secret."""

    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"applicant names")))
        self._id_key = _derive(secret, b"applicant ids")

    def encrypt_name(self, name: str) -> str:
        """The name encrypted (Fernet: AES-128-CBC with HMAC-SHA256)."""
        return self._fernet.encrypt(name.encode("utf-8")).decode("ascii")

    def decrypt_name(self, token: str) -> str:
        """The name back; a record encrypted under another secret cannot be read."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise Invalid("the applicant's name cannot be decrypted with this server's secret") from exc

    def id_hash(self, value: str) -> str:
        """HMAC-SHA256 of a normalised ID number or credit code, for 一号申请 look-ups."""
        return hmac.new(self._id_key, normalise_id(value).encode("ascii"), hashlib.sha256).hexdigest()


def normalise_id(value: str) -> str:
    """An ID number or credit code without spaces, in capitals."""
    return re.sub(r"\s+", "", value).upper()


@lru_cache(maxsize=4)
def for_secret(secret: str) -> PersonalData:
    """The personal-data keys of a server secret (derived once per process)."""
    return PersonalData(secret)
