// Package main is a stdlib-only aTLS peer (dummy variant) used by the .NET interop tests.
// It follows the project's aTLS fact sheet (docs/atls.md): the client nonce travels as SNI (standard Base64),
// the server nonce as the CN of the single acceptable CA, certificates are fresh self-signed
// P-256 certificates carrying the attestation document in the variant-OID extension,
// bound to SHA-256 of the DER SubjectPublicKeyInfo.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

const nonceLength = 32

// dummyDocument is the dummy variant's document; encoding/json writes []byte as padded standard Base64.
type dummyDocument struct {
	UserData []byte
	Nonce    []byte
}

// peerOptions configures what this peer issues and what it accepts.
type peerOptions struct {
	issue      bool
	issueOID   asn1.ObjectIdentifier
	acceptOID  asn1.ObjectIdentifier
	wrongNonce bool // issue documents bound to a random nonce instead of the peer's (negative tests)
}

func parseOID(s string) (asn1.ObjectIdentifier, error) {
	var oid asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("invalid OID %q", s)
		}
		oid = append(oid, n)
	}
	return oid, nil
}

func newNonce() ([]byte, error) {
	nonce := make([]byte, nonceLength)
	_, err := rand.Read(nonce)
	return nonce, err
}

func issueDummy(userData, nonce []byte) ([]byte, error) {
	return json.Marshal(dummyDocument{UserData: userData, Nonce: nonce})
}

func validateDummy(document, nonce []byte) ([]byte, error) {
	var doc dummyDocument
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, err
	}
	if !bytes.Equal(doc.Nonce, nonce) {
		return nil, fmt.Errorf("invalid nonce: expected %x, got %x", nonce, doc.Nonce)
	}
	return doc.UserData, nil
}

// newCertificate builds the aTLS certificate of spec §3 for the peer's nonce.
func newCertificate(opts peerOptions, peerNonce []byte) (*tls.Certificate, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	hash := sha256.Sum256(spki)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "Constellation"},
		Issuer:       pkix.Name{CommonName: "Constellation"},
		NotBefore:    now.Add(-2 * time.Hour),
		NotAfter:     now.Add(2 * time.Hour),
	}
	if opts.issue {
		nonce := peerNonce
		if opts.wrongNonce {
			if nonce, err = newNonce(); err != nil {
				return nil, err
			}
		}
		document, err := issueDummy(hash[:], nonce)
		if err != nil {
			return nil, err
		}
		template.ExtraExtensions = []pkix.Extension{{Id: opts.issueOID, Value: document}}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &priv.PublicKey, priv)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv}, nil
}

// verifyPeer is spec §4; it returns the validated user data.
func verifyPeer(rawCerts [][]byte, ownNonce []byte, acceptOID asn1.ObjectIdentifier) ([]byte, error) {
	if len(rawCerts) == 0 {
		return nil, errors.New("rawCerts is empty")
	}
	cert, err := x509.ParseCertificate(rawCerts[0])
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots}); err != nil {
		return nil, err
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		return nil, fmt.Errorf("self-signature: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		return nil, err
	}
	hash := sha256.Sum256(spki)
	var oids []string
	for _, ext := range cert.Extensions {
		oids = append(oids, ext.Id.String())
		if !ext.Id.Equal(acceptOID) {
			continue
		}
		userData, err := validateDummy(ext.Value, ownNonce)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(userData, hash[:]) {
			return nil, errors.New("certificate hash does not match user data")
		}
		return userData, nil
	}
	return nil, fmt.Errorf("certificate does not contain compatible attestation documents: got extension OIDs %v", oids)
}

// serverNonceCAs encodes the server nonce as the subject of a throw-away certificate (spec §5).
func serverNonceCAs(serverNonce []byte) (*x509.CertPool, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(0),
		Subject:      pkix.Name{CommonName: base64.StdEncoding.EncodeToString(serverNonce)},
		NotBefore:    time.Now().Add(-2 * time.Hour),
		NotAfter:     time.Now().Add(2 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &priv.PublicKey, priv)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool, nil
}

// serverNonceFromCAs is the client side of spec §5.
func serverNonceFromCAs(acceptableCAs [][]byte) ([]byte, error) {
	if len(acceptableCAs) != 1 {
		return nil, errors.New("unexpected acceptableCAs length")
	}
	var name pkix.RDNSequence
	if _, err := asn1.Unmarshal(acceptableCAs[0], &name); err != nil {
		return nil, err
	}
	for _, rdn := range name {
		for _, attr := range rdn {
			if attr.Type.Equal(asn1.ObjectIdentifier{2, 5, 4, 3}) {
				cn, ok := attr.Value.(string)
				if !ok {
					return nil, errors.New("CN is not a string")
				}
				return base64.StdEncoding.DecodeString(cn)
			}
		}
	}
	return nil, errors.New("CN not found")
}
