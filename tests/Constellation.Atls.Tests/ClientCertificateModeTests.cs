using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

/// <summary>
/// A server that attests itself and authenticates its callers by a plain TLS client certificate
/// (<see cref="AtlsOptions.ClientCertificateValidator"/>), as an admin API does: the client still verifies the server's
/// attestation, and the server accepts only a certificate its validator accepts.
/// </summary>
public sealed class ClientCertificateModeTests
{
    [Test]
    public async Task The_server_refuses_a_client_that_presents_no_certificate()
    {
        using var admin = SelfSigned("CN=admin");
        var server = new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer(), ClientCertificateValidator = new PinnedCertificate(admin) });

        var outcome = await Loopback.RunAsync(server, new AtlsClient(Dummies.Validating()));
        try
        {
            var refused = async () => await outcome.Server;
            (await refused.Should().ThrowAsync<AtlsException>()).Which.Message.Should().Contain("client certificate").And.Contain("got none");
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task The_server_refuses_a_client_certificate_its_validator_does_not_accept()
    {
        using var admin = SelfSigned("CN=admin");
        using var stranger = SelfSigned("CN=admin");
        var server = new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer(), ClientCertificateValidator = new PinnedCertificate(admin) });

        var outcome = await Loopback.RunAsync(server, new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()], ClientCertificate = stranger }));
        try
        {
            var refused = async () => await outcome.Server;
            (await refused.Should().ThrowAsync<AtlsException>()).Which.Message.Should().Contain("expected thumbprint " + admin.Thumbprint);
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task A_client_with_a_certificate_still_refuses_an_unattested_server()
    {
        using var admin = SelfSigned("CN=admin");
        var server = new AtlsServer(new AtlsOptions { ClientCertificateValidator = new PinnedCertificate(admin) });

        var outcome = await Loopback.RunAsync(server, new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()], ClientCertificate = admin }));
        try
        {
            var refused = async () => await outcome.Client;
            await refused.Should().ThrowAsync<AttestationException>();
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task The_server_accepts_the_certificate_its_validator_accepts_and_the_client_verified_the_server()
    {
        using var admin = SelfSigned("CN=admin");
        var pinned = new PinnedCertificate(admin);
        var server = new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer(), ClientCertificateValidator = pinned });

        var outcome = await Loopback.RunAsync(server, new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()], ClientCertificate = admin }));
        try
        {
            var client = await outcome.Client;
            var accepted = await outcome.Server;
            client.Peer!.IsAttested.Should().BeTrue();
            accepted.Peer.Should().BeNull("a plain client certificate is no attested peer");
            pinned.Seen.Should().ContainSingle().Which.Should().Be(admin.Thumbprint);

            await client.Stream.WriteAsync("ping"u8.ToArray());
            var buffer = new byte[4];
            await accepted.Stream.ReadExactlyAsync(buffer);
            buffer.Should().Equal("ping"u8.ToArray());
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public void A_server_cannot_check_attested_clients_and_plain_certificates_at_once()
    {
        using var admin = SelfSigned("CN=admin");
        var create = () => new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer(), Validators = [new DummyValidator()], ClientCertificateValidator = new PinnedCertificate(admin) });

        create.Should().Throw<ArgumentException>().WithMessage("*not both*");
    }

    [Test]
    public void A_client_cannot_be_attested_and_present_a_plain_certificate_at_once()
    {
        using var admin = SelfSigned("CN=admin");
        var create = () => new AtlsClient(new AtlsOptions { Issuer = new DummyIssuer(), Validators = [new DummyValidator()], ClientCertificate = admin });

        create.Should().Throw<ArgumentException>().WithMessage("*not both*");
    }

    [Test]
    public void A_client_certificate_without_its_private_key_is_refused_up_front()
    {
        using var admin = SelfSigned("CN=admin");
        using var publicOnly = X509CertificateLoader.LoadCertificate(admin.RawData);
        var create = () => new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()], ClientCertificate = publicOnly });

        create.Should().Throw<ArgumentException>().WithMessage("*private key*");
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>Accepts exactly one certificate; records the thumbprints it was shown.</summary>
    private sealed class PinnedCertificate(X509Certificate2 accepted) : IAtlsClientCertificateValidator
    {
        private readonly string _thumbprint = accepted.Thumbprint;

        public List<string> Seen { get; } = [];

        public ValueTask ValidateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(certificate.Thumbprint);
            }

            return certificate.Thumbprint == _thumbprint
                ? ValueTask.CompletedTask
                : throw new AtlsException($"client certificate: expected thumbprint {_thumbprint}, got {certificate.Thumbprint}");
        }
    }
}
