using System;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>What a node boots: its bootstrapper image, its command line ("load options") and its configuration file ("initrd").</summary>
/// <param name="Image">The manifest of the bootstrapper's published directory (PCR 4).</param>
/// <param name="CommandLine">The bootstrapper's command line (PCR 9, as the Linux EFI stub measures load options).</param>
/// <param name="Configuration">The bytes of the node's configuration file (PCR 9, as the stub measures the initrd).</param>
public sealed record NodeBootInputs(BootImageManifest Image, string CommandLine, ReadOnlyMemory<byte> Configuration);
