using Constellation.Attestation.Tpm.Issuers.Commands;

namespace Constellation.Attestation.Variants.Common.Vtpm;

/// <summary>Tells a handle that does not exist (TPM_RC_HANDLE) from every other TPM failure, which must not be mistaken for it.</summary>
internal static class TpmHandleErrors
{
    private const uint Format1 = 0x80;
    private const uint Format1ErrorMask = 0x3F;
    private const uint Handle = 0x0B;

    public static bool IsMissingHandle(TpmCommandException exception) =>
        (exception.ResponseCode & Format1) != 0 && (exception.ResponseCode & Format1ErrorMask) == Handle;
}
