using System.Buffers.Binary;
using Constellation.Attestation.Snp.Issuers;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>The host's certificate table of an extended SEV-SNP report is parsed strictly: what an issuer sends comes from it.</summary>
public class SnpCertificateTableTests
{
    private static readonly byte[] Vlek = [0x30, 0x03, 0x02, 0x01, 0x07];

    [Test]
    public void Entries_are_found_by_their_RFC_4122_GUID()
    {
        var table = SnpCertificateTable.Parse(SyntheticSnpGuest.Table((SnpCertificateTable.VlekGuid, Vlek)));

        table.TryGet(SnpCertificateTable.VlekGuid, out var der).Should().BeTrue();
        der.ToArray().Should().Equal(Vlek);
        table.TryGet(SnpCertificateTable.VcekGuid, out _).Should().BeFalse();
        SyntheticSnpGuest.Table((SnpCertificateTable.VlekGuid, Vlek))[..4].Should().Equal(0xa8, 0x07, 0x4b, 0xc2);
    }

    [Test]
    public void A_table_without_the_all_zero_terminator_is_malformed()
    {
        // One entry whose data follows it directly: no room is left for the terminator.
        var table = new byte[24 + Vlek.Length];
        SnpCertificateTable.VlekGuid.TryWriteBytes(table, bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(16), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(20), (uint)Vlek.Length);
        Vlek.CopyTo(table, 24);

        var act = () => SnpCertificateTable.Parse(table);

        act.Should().Throw<AttestationFormatException>().WithMessage("*terminator*");
    }

    [Test]
    public void An_entry_pointing_past_the_table_is_malformed()
    {
        var table = SyntheticSnpGuest.Table((SnpCertificateTable.VlekGuid, Vlek));
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(20), 4096);

        var act = () => SnpCertificateTable.Parse(table);

        act.Should().Throw<AttestationFormatException>().WithMessage("*do not lie inside*");
    }

    [Test]
    public void A_GUID_that_appears_twice_is_malformed()
    {
        var table = SyntheticSnpGuest.Table((SnpCertificateTable.VlekGuid, Vlek), (SnpCertificateTable.VlekGuid, Vlek));

        var act = () => SnpCertificateTable.Parse(table);

        act.Should().Throw<AttestationFormatException>().WithMessage("*twice*");
    }
}
