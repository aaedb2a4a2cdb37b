namespace Constellation.Cluster.Tests.MeasuredLaunch;

/// <summary>A stand-in for a published bootstrapper directory (a few files, one in a sub-directory), deleted on dispose.</summary>
internal sealed class BootImageFixture : IDisposable
{
    public BootImageFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("measured-launch-").FullName;
        File.WriteAllText(Path.Combine(Directory, "constellation-bootstrapper.dll"), "bootstrapper build 1");
        File.WriteAllText(Path.Combine(Directory, "constellation-bootstrapper.runtimeconfig.json"), "{\"runtimeOptions\":{}}");
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "de"));
        File.WriteAllText(Path.Combine(Directory, "de", "Resources.dll"), "resources");
        File.WriteAllBytes(Path.Combine(Directory, "constellation-cluster-services.dll"), [0, 1, 2, 255]);
    }

    public string Directory { get; }

    public static string CommandLine => "constellation-bootstrapper --config /cluster/boot/bootstrapper.json";

    public static byte[] Configuration => "{\"Bootstrapper\":{\"Variant\":\"qemu-vtpm\"}}"u8.ToArray();

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
