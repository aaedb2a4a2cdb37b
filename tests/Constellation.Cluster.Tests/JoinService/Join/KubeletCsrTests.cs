using System.Net;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Tests.JoinService.Join;

public class KubeletCsrTests
{
    [Test]
    public void A_node_csr_yields_its_name_and_ip_addresses()
    {
        var csr = KubeletCsr.Parse(Csr.ForNode("worker-1", IPAddress.Parse("10.0.0.7"), IPAddress.Loopback));

        csr.NodeName.Should().Be("worker-1");
        csr.IPAddresses.Should().Equal(IPAddress.Parse("10.0.0.7"), IPAddress.Loopback);
    }

    [TestCase("a")]
    [TestCase("0")]
    [TestCase("node-1")]
    [TestCase("worker-1.europe-west3-a.c.project.internal")]
    [TestCase("a23456789012345678901234567890123456789012345678901234567890123")]
    public void A_node_name_that_is_a_dns_1123_subdomain_is_accepted(string name)
    {
        KubeletCsr.Parse(Csr.ForNode(name)).NodeName.Should().Be(name);
    }

    [Test]
    public void A_node_name_of_exactly_253_characters_is_accepted()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4))[..253];

        KubeletCsr.Parse(Csr.ForNode(name)).NodeName.Should().HaveLength(253);
    }

    [TestCase("CN=worker-1, O=system:nodes", "certificate_request.subject.CN")]
    [TestCase("CN=system:node:, O=system:nodes", "certificate_request.subject.CN")]
    [TestCase("O=system:nodes", "certificate_request.subject.CN")]
    [TestCase("CN=system:node:w, O=system:masters", "certificate_request.subject.O")]
    [TestCase("CN=system:node:w", "certificate_request.subject.O")]
    [TestCase("CN=system:node:w, O=system:nodes, O=system:masters", "certificate_request.subject.O")]
    [TestCase("CN=system:node:w, O=system:nodes, O=system:nodes", "certificate_request.subject.O")]
    public void A_csr_that_is_not_a_kubelet_identity_is_refused_naming_the_field(string subject, string field)
    {
        var parse = () => KubeletCsr.Parse(Csr.For(subject));

        parse.Should().Throw<JoinRequestRejectedException>().Which.Field.Should().Be(field);
    }

    [Test]
    public void A_csr_whose_signature_does_not_verify_is_refused()
    {
        var der = Csr.ForNode("worker-1");
        // The last bytes are the ECDSA signature's integer s; flipping one breaks the signature, not the DER.
        der[^2] ^= 0x01;

        var parse = () => KubeletCsr.Parse(der);

        parse.Should().Throw<JoinRequestRejectedException>().WithMessage("*valid signature*");
    }

    [Test]
    public void Flipping_any_byte_of_the_signed_request_info_is_refused()
    {
        var der = Csr.ForNode("worker-1");
        var accepted = new List<int>();
        // Skip the outer SEQUENCE header (4 bytes); the CertificationRequestInfo follows and is covered by the signature.
        for (var i = 4; i < der.Length - 80; i++)
        {
            var tampered = (byte[])der.Clone();
            tampered[i] ^= 0x01;
            try
            {
                var csr = KubeletCsr.Parse(tampered);
                accepted.Add(i);
            }
            catch (JoinRequestRejectedException)
            {
            }
        }

        accepted.Should().BeEmpty();
    }

    [Test]
    public void Trailing_bytes_after_the_csr_are_refused()
    {
        var der = Csr.ForNode("worker-1").Concat(new byte[] { 0 }).ToArray();

        var parse = () => KubeletCsr.Parse(der);

        parse.Should().Throw<JoinRequestRejectedException>().WithMessage("*trailing*");
    }

    [Test]
    public void Garbage_is_refused()
    {
        var parse = () => KubeletCsr.Parse(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 });
        parse.Should().Throw<JoinRequestRejectedException>();
    }
}
