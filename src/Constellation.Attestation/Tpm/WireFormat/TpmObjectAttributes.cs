using System;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>TPMA_OBJECT bits (TCG TPM 2.0 Library Part 2 §8.3).</summary>
[Flags]
#pragma warning disable CA1028 // The wire type is UINT32.
public enum TpmObjectAttributes : uint
#pragma warning restore CA1028
{
    /// <summary>No attribute set.</summary>
    None = 0,

    /// <summary>fixedTPM: the object cannot be duplicated off this TPM.</summary>
    FixedTpm = 0x00000002,

    /// <summary>stClear.</summary>
    StClear = 0x00000004,

    /// <summary>fixedParent: the object cannot be re-parented.</summary>
    FixedParent = 0x00000010,

    /// <summary>sensitiveDataOrigin: the TPM generated the secret.</summary>
    SensitiveDataOrigin = 0x00000020,

    /// <summary>userWithAuth.</summary>
    UserWithAuth = 0x00000040,

    /// <summary>adminWithPolicy.</summary>
    AdminWithPolicy = 0x00000080,

    /// <summary>noDA.</summary>
    NoDa = 0x00000400,

    /// <summary>encryptedDuplication.</summary>
    EncryptedDuplication = 0x00000800,

    /// <summary>restricted: a signing key that only signs TPM-generated data.</summary>
    Restricted = 0x00010000,

    /// <summary>decrypt.</summary>
    Decrypt = 0x00020000,

    /// <summary>sign / encrypt.</summary>
    Sign = 0x00040000,

    /// <summary>The attributes of an attestation key (0x00050072), as go-tpm-tools' AK templates set them.</summary>
    AttestationKey = FixedTpm | FixedParent | SensitiveDataOrigin | UserWithAuth | Restricted | Sign,
}
