package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go-atls server -addr 127.0.0.1:0 [-mutual] [-message hello] [-wrong-nonce] [-issue-oid OID] [-accept-oid OID]")
	fmt.Fprintln(os.Stderr, "       go-atls client -addr host:port [-mutual] [-wrong-nonce] [-issue-oid OID] [-accept-oid OID]")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	addr := flags.String("addr", "127.0.0.1:0", "listen or dial address")
	mutual := flags.Bool("mutual", false, "server: validate clients; client: present an attested certificate")
	message := flags.String("message", "hello from go", "server: body of GET /")
	wrongNonce := flags.Bool("wrong-nonce", false, "issue documents bound to a random nonce (negative tests)")
	issueOID := flags.String("issue-oid", "1.3.9900.1.1", "OID of the extension this peer issues")
	acceptOID := flags.String("accept-oid", "1.3.9900.1.1", "OID this peer validates")
	_ = flags.Parse(os.Args[2:])
	issue, err := parseOID(*issueOID)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	accept, err := parseOID(*acceptOID)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		opts := peerOptions{issue: true, issueOID: issue, acceptOID: accept, wrongNonce: *wrongNonce}
		os.Exit(serve(*addr, *mutual, *message, opts))
	case "client":
		opts := peerOptions{issue: *mutual, issueOID: issue, acceptOID: accept, wrongNonce: *wrongNonce}
		os.Exit(probe(*addr, opts))
	default:
		usage()
	}
}

// serve runs an aTLS HTTP server; every ClientHello gets a fresh config, key and nonce, as atlscredentials does.
func serve(addr string, mutual bool, message string, opts peerOptions) int {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		return 2
	}
	var out sync.Mutex
	logf := func(format string, args ...interface{}) {
		out.Lock()
		defer out.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	config := &tls.Config{
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			clientNonce, err := base64.StdEncoding.DecodeString(hello.ServerName)
			if err != nil {
				logf("handshake rejected: client nonce (SNI %q): %v", hello.ServerName, err)
				return nil, err
			}
			cert, err := newCertificate(opts, clientNonce)
			if err != nil {
				return nil, err
			}
			c := &tls.Config{
				MinVersion:   tls.VersionTLS12,
				NextProtos:   []string{"http/1.1", "h2"},
				Certificates: []tls.Certificate{*cert},
			}
			if mutual {
				serverNonce, err := newNonce()
				if err != nil {
					return nil, err
				}
				if c.ClientCAs, err = serverNonceCAs(serverNonce); err != nil {
					return nil, err
				}
				c.ClientAuth = tls.RequireAnyClientCert
				c.VerifyPeerCertificate = func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
					userData, err := verifyPeer(rawCerts, serverNonce, opts.acceptOID)
					if err != nil {
						logf("client rejected: %v", err)
						return err
					}
					logf("client verified userdata=%s", hex.EncodeToString(userData))
					return nil
				}
			}
			return c, nil
		},
	}
	logf("listening %s", listener.Addr())
	server := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, message)
		}),
		ReadHeaderTimeout: 30 * time.Second,
	}
	if err := server.Serve(tls.NewListener(listener, config)); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 2
	}
	return 0
}

// probe connects with a fresh nonce, verifies the server, GETs / and prints the result.
func probe(addr string, opts peerOptions) int {
	var verified []byte
	var alpn string
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		nonce, err := newNonce()
		if err != nil {
			return nil, err
		}
		config := &tls.Config{
			ServerName:         base64.StdEncoding.EncodeToString(nonce),
			InsecureSkipVerify: true, // trust comes from the attestation document, verified below
			MinVersion:         tls.VersionTLS12,
			NextProtos:         []string{"http/1.1", "h2"},
			VerifyPeerCertificate: func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
				userData, err := verifyPeer(rawCerts, nonce, opts.acceptOID)
				verified = userData
				return err
			},
			GetClientCertificate: func(request *tls.CertificateRequestInfo) (*tls.Certificate, error) {
				serverNonce, err := serverNonceFromCAs(request.AcceptableCAs)
				if err != nil {
					return nil, err
				}
				return newCertificate(opts, serverNonce)
			},
		}
		conn, err := (&tls.Dialer{Config: config}).DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		alpn = conn.(*tls.Conn).ConnectionState().NegotiatedProtocol
		return conn, nil
	}
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{DialTLSContext: dial, ForceAttemptHTTP2: true},
	}
	response, err := client.Get("https://" + addr + "/")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Printf("ok userdata=%s alpn=%s proto=%s status=%d body=%s\n", hex.EncodeToString(verified), alpn, response.Proto, response.StatusCode, body)
	return 0
}
