using Constellation.Fuzz;
using SharpFuzz;

// Usage:
//   Constellation.Fuzz <target>                                  run under afl-fuzz (input on stdin / @@ via SharpFuzz)
//   Constellation.Fuzz --list                                    print the target names
//   Constellation.Fuzz --seeds <out-dir> <testdata-dir> <repo-dir> write the seed corpus, one directory per target
//   Constellation.Fuzz --replay <target> <file>...              run inputs once in-process; exit 1 if any crashes
if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: Constellation.Fuzz <target> | --list | --seeds <out> <testdata> <repo> | --replay <target> <file>...");
    return 2;
}

switch (args[0])
{
    case "--list":
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name}\t{target.Description}");
        }

        return 0;
    case "--seeds" when args.Length == 4:
        var seeds = SeedCorpus.Build(args[2], args[3]);
        SeedCorpus.Write(args[1], seeds);
        Console.WriteLine($"wrote {seeds.Count} seeds for {seeds.Select(s => s.Target).Distinct().Count()} targets to {args[1]}");
        return 0;
    case "--replay" when args.Length >= 3:
        return Replay(Resolve(args[1]), args.Skip(2));
    default:
        var fuzzTarget = Resolve(args[0]);

        // Out of process: a StackOverflowException or a runaway allocation kills only the child, which afl++ then
        // records as a crash, instead of killing the fork server and ending the run.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            fuzzTarget.Run(buffer.ToArray());
        });
        return 0;
}

static FuzzTarget Resolve(string name) =>
    FuzzTargets.Find(name) ?? throw new ArgumentException(
        $"unknown fuzz target '{name}'; known: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}", nameof(name));

static int Replay(FuzzTarget target, IEnumerable<string> files)
{
    var crashes = 0;
    foreach (var file in files)
    {
        try
        {
            target.Run(File.ReadAllBytes(file));
            Console.WriteLine($"ok     {file}");
        }
#pragma warning disable CA1031 // Replaying reports every escaping exception: that is the point.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            crashes++;
            Console.WriteLine($"CRASH  {file}: {ex}");
        }
    }

    return crashes == 0 ? 0 : 1;
}
