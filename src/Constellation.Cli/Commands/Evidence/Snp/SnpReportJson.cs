using System;
using System.Text.Json;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>Writes a parsed SEV-SNP report as JSON (byte strings as lowercase hex).</summary>
internal static class SnpReportJson
{
    public static void Write(Utf8JsonWriter w, SnpReport r)
    {
        w.WriteStartObject();
        w.WriteNumber("version", r.Version);
        w.WriteNumber("guestSvn", r.GuestSvn);
        w.WriteNumber("policy", r.Policy.Raw);
        w.WriteStartObject("policyFlags");
        w.WriteString("abi", $"{r.Policy.AbiMajor}.{r.Policy.AbiMinor}");
        w.WriteBoolean("smt", r.Policy.SmtAllowed);
        w.WriteBoolean("migrateMa", r.Policy.MigrateMaAllowed);
        w.WriteBoolean("debug", r.Policy.DebugAllowed);
        w.WriteBoolean("singleSocket", r.Policy.SingleSocketRequired);
        w.WriteBoolean("cxlAllow", r.Policy.CxlAllowed);
        w.WriteBoolean("memAes256Xts", r.Policy.MemAes256XtsRequired);
        w.WriteBoolean("raplDis", r.Policy.RaplDisableRequired);
        w.WriteBoolean("ciphertextHiding", r.Policy.CiphertextHidingRequired);
        w.WriteBoolean("pageSwapDisable", r.Policy.PageSwapDisabled);
        w.WriteEndObject();
        w.WriteString("familyId", Hex(r.FamilyId));
        w.WriteString("imageId", Hex(r.ImageId));
        w.WriteNumber("vmpl", r.Vmpl);
        w.WriteNumber("signatureAlgo", r.SignatureAlgorithm);
        Tcb(w, "currentTcb", r.CurrentTcb);
        w.WriteNumber("platformInfo", r.PlatformInfo.Raw);
        w.WriteNumber("signerInfo", r.SignerInfo);
        w.WriteString("signingKey", r.SigningKey.ToString().ToUpperInvariant());
        w.WriteBoolean("authorKeyEn", r.AuthorKeyEnabled);
        w.WriteBoolean("maskChipKey", r.MaskChipKey);
        w.WriteString("reportData", Hex(r.ReportData));
        w.WriteString("measurement", Hex(r.Measurement));
        w.WriteString("hostData", Hex(r.HostData));
        w.WriteString("idKeyDigest", Hex(r.IdKeyDigest));
        w.WriteString("authorKeyDigest", Hex(r.AuthorKeyDigest));
        w.WriteString("reportId", Hex(r.ReportId));
        w.WriteString("reportIdMa", Hex(r.ReportIdMa));
        Tcb(w, "reportedTcb", r.ReportedTcb);
        if (r.CpuidFamily is { } family)
        {
            w.WriteNumber("cpuidFamily", family);
            w.WriteNumber("cpuidModel", r.CpuidModel!.Value);
            w.WriteNumber("cpuidStepping", r.CpuidStepping!.Value);
        }

        if (r.ProductLine is { } line)
        {
            w.WriteString("productLine", line.ToKdsName());
        }
        else
        {
            w.WriteNull("productLine");
        }

        w.WriteString("chipId", Hex(r.ChipId));
        Tcb(w, "committedTcb", r.CommittedTcb);
        w.WriteString("currentFirmware", $"{r.CurrentMajor}.{r.CurrentMinor}.{r.CurrentBuild}");
        w.WriteString("committedFirmware", $"{r.CommittedMajor}.{r.CommittedMinor}.{r.CommittedBuild}");
        Tcb(w, "launchTcb", r.LaunchTcb);
        w.WriteNumber("launchMitVector", r.LaunchMitigationVector);
        w.WriteNumber("currentMitVector", r.CurrentMitigationVector);
        w.WriteString("signature", Hex(r.Signature[..144]));
        w.WriteEndObject();
    }

    private static void Tcb(Utf8JsonWriter w, string name, SnpTcbVersion tcb)
    {
        w.WriteStartObject(name);
        if (tcb.IsTurinLayout)
        {
            w.WriteNumber("fmc", tcb.Fmc);
        }

        w.WriteNumber("bootloader", tcb.Bootloader);
        w.WriteNumber("tee", tcb.Tee);
        w.WriteNumber("snp", tcb.Snp);
        w.WriteNumber("microcode", tcb.Microcode);
        w.WriteNumber("raw", tcb.Raw);
        w.WriteEndObject();
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
