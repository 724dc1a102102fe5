#ifndef BATON_TESTS_FUZZ_FUZZ_KEYS_H_
#define BATON_TESTS_FUZZ_FUZZ_KEYS_H_

// Fixed keys of the JWT fuzz target and its seed tokens (make_seeds.cc).
// TEST KEYS ONLY, published here on purpose: never configure a server with
// them. Fixed (not generated per run) so that the checked-in HS256 seed
// tokens verify and the fuzzer starts from tokens that pass the signature
// check. The RSA private key was thrown away: RS256 tokens are fuzzed for
// what a caller without the key can send.

namespace baton::fuzz {

inline constexpr char kHs256Secret[] = "baton-fuzz-hs256-secret-not-for-use";

// RSA 2048 (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048).
inline constexpr char kRsaPublicKeyPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyal8gyvxQ5JWwYVMGCz+
K0DP9EjMjbBS7LTERf1uueUK9irBFUKfK3AaNb2b4brK72ZF7DDgLGgTmmgo3jCC
jspuy9di45KnBNXbtWdjojU7tF6oNdOiEtRBwc2wMEASNAJva7mZSHkhYkLfaYCE
VKd1ZMwoCH5b90vJSwOeXlR/SRNN3Oga8mPOWI+blBVTTjZZZBKT8qt//NHuezB8
FlqREvyaFB61yPnOjz70uzybx4mZy+5OnzNIxR+w7R4zEJYu2a8VsLRjCYoJWJs+
AHxI7Iwso4AVeIR4gueeSwAGV6rTjxZOLXJkqzo5GADFkHhVmuGT0vV2EE6iSL8K
bwIDAQAB
-----END PUBLIC KEY-----
)";

}  // namespace baton::fuzz

#endif  // BATON_TESTS_FUZZ_FUZZ_KEYS_H_
