"""Password hashing (scrypt through Werkzeug) and the password rules (ASVS 6.2)."""

from werkzeug.security import check_password_hash, generate_password_hash

# Checked against even for unknown usernames, so a wrong name costs the same as a wrong password.
_DUMMY_HASH = generate_password_hash("gridwork-timing-equaliser", method="scrypt")

COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "password1234",
        "qwertyuiop12",
        "1234567890ab",
        "admin1234567",
        "passw0rd1234",
        "woaini520131",
        "iloveyou1234",
        "abc123456789",
        "111111111111",
        "000000000000",
        "123123123123",
        "gridworkgrid",
        "administrator",
        "password12345",
    }
)


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash, password):
    return check_password_hash(password_hash or _DUMMY_HASH, password) and bool(password_hash)


def password_problem(password, username="", min_length=12):
    """A Chinese reason the password is refused, or None when it is acceptable."""
    if not isinstance(password, str) or len(password) < min_length:
        return f"密码至少需要 {min_length} 个字符。"
    if len(password) > 128:
        return "密码不能超过 128 个字符。"
    if password.lower() in COMMON_PASSWORDS:
        return "密码过于常见，请换一个。"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名。"
    return None
