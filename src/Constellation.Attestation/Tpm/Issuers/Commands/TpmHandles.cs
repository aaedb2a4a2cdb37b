namespace Constellation.Attestation.Tpm.Issuers.Commands;

/// <summary>Well-known TPM 2.0 handles.</summary>
public static class TpmHandles
{
    /// <summary>TPM_RH_OWNER: the storage (owner) hierarchy.</summary>
    public const uint Owner = 0x40000001;

    /// <summary>TPM_RH_NULL.</summary>
    public const uint Null = 0x40000007;

    /// <summary>TPM_RS_PW: the password authorization session.</summary>
    public const uint PasswordSession = 0x40000009;

    /// <summary>TPM_RH_ENDORSEMENT: the endorsement hierarchy.</summary>
    public const uint Endorsement = 0x4000000B;

    /// <summary>TPM_RH_PLATFORM.</summary>
    public const uint Platform = 0x4000000C;

    /// <summary>GCE AK certificate NV index (RSA).</summary>
    public const uint GceAkCertificateRsa = 0x01C10000;

    /// <summary>GCE AK template NV index (RSA).</summary>
    public const uint GceAkTemplateRsa = 0x01C10001;

    /// <summary>Azure Trusted Launch AK certificate NV index.</summary>
    public const uint AzureAkCertificate = 0x01C101D0;

    /// <summary>Azure HCL attestation key persistent handle.</summary>
    public const uint AzureAttestationKey = 0x81000003;

    /// <summary>go-tpm-tools default RSA AK persistent handle.</summary>
    public const uint DefaultRsaAttestationKey = 0x81008F01;
}
