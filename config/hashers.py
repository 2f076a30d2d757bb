"""The password hasher: Argon2id, at OWASP's recommended cost (19 MiB of memory, 2 passes, 1 lane).

Django's own Argon2 defaults (100 MiB, 8 lanes) cost 112 ms a password on this project's 2-core
machine and PBKDF2's 1,000,000 iterations 187 ms, so a batch of 100 customers with passwords took
11-19 s of hashing; at this cost it is 21 ms a password, and the hashes of a batch are computed two at
a time (argon2-cffi releases the GIL). BENCHMARKS.md has the figures.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
