// The release public key every build trusts for updates (Ed25519, SPKI PEM). Replace it with
// `npx tsx build/updateSigning.ts keygen <private-key.pem>`; sign releases with the private key
// (build/README.md). A feed whose manifest is not signed by this key is never installed.
export const UPDATE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAkpumCHlhnsH39015CGe3vJ7+7TpwEpIP+ptTn9JrJcQ=
-----END PUBLIC KEY-----
`;
