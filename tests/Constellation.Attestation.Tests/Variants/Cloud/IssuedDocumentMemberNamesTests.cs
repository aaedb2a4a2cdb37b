using System.Text.Json;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// What our issuers write decodes with the member names of the Go structs Constellation's validators unmarshal into. The
/// names are copied from the spec sheets (variants.md §2–3, vtpm.md §1–2), not from the library, so a renamed member fails here.
/// </summary>
public class IssuedDocumentMemberNamesTests
{
    private static readonly string[] VtpmDocument = ["Attestation", "InstanceInfo", "UserData"];
    private static readonly string[] GoTpmToolsAttestation = ["ak_pub", "quotes", "event_log", "instance_info", "canonical_event_log", "ak_cert", "TeeAttestation"];
    private static readonly string[] SnpInstanceInfoStruct = ["ReportSigner", "CertChain", "AttestationReport", "Azure", "GCP"];
    private static readonly string[] AzureInstanceInfoStruct = ["RuntimeData", "MAAToken"];
    private static readonly string[] GceInstanceInfoStruct = ["zone", "project_id", "instance_name"];
    private static readonly string[] AkSignerStruct = ["AkCert", "CA"];

    [Test]
    public void The_SNP_instance_info_has_the_Go_struct_members_in_its_order_with_the_cloud_parts()
    {
        var azure = SnpInstanceInfo.Create(new byte[1184], "VCEK", "CHAIN", "{}"u8.ToArray(), "jwt").ToJson();
        var gcp = SnpInstanceInfo.Create(new byte[1184], "VCEK", "ASK", gcp: new GceInstanceInfo("z", "p", "n")).ToJson();

        using var a = JsonDocument.Parse(azure);
        using var g = JsonDocument.Parse(gcp);
        Names(a.RootElement).Should().Equal(SnpInstanceInfoStruct);
        Names(a.RootElement.GetProperty("Azure")).Should().Equal(AzureInstanceInfoStruct);
        Names(g.RootElement).Should().Equal(SnpInstanceInfoStruct);
        Names(g.RootElement.GetProperty("GCP")).Should().Equal(GceInstanceInfoStruct);
    }

    [Test]
    public void An_absent_Azure_part_reads_back_as_absent_not_as_empty_runtime_data()
    {
        var info = SnpInstanceInfo.Parse(SnpInstanceInfo.Create(new byte[1184], "VLEK", string.Empty).ToJson());

        info.AzureRuntimeData.Should().BeNull();
        info.AzureMaaToken.Should().BeNull();
        SnpInstanceInfo.Parse("{\"AttestationReport\":null,\"Azure\":null}"u8).AzureRuntimeData.Should().BeNull();
    }

    [Test]
    public void The_GCE_and_trusted_launch_instance_infos_have_the_Go_struct_members()
    {
        using var gce = JsonDocument.Parse(new GceInstanceInfo("europe-west3-b", "proj", "node-0").ToJson());
        using var signer = JsonDocument.Parse(new AzureTrustedLaunchInstanceInfo([1], [2]).ToJson());

        Names(gce.RootElement).Should().Equal(GceInstanceInfoStruct);
        Names(signer.RootElement).Should().Equal(AkSignerStruct);
    }

    [Test]
    public async Task The_vTPM_document_an_issuer_writes_has_the_Go_members_and_go_tpm_tools_attestation_keys()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);

        using var document = JsonDocument.Parse(await issuer.IssueAsync(new byte[] { 1 }, new byte[] { 2 }));

        Names(document.RootElement).Should().Equal(VtpmDocument);
        Names(document.RootElement.GetProperty("Attestation")).Should().BeSubsetOf(GoTpmToolsAttestation).And.Contain(["ak_pub", "quotes"]);
    }

    private static List<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();
}
