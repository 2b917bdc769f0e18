using VpnPortal.Bench;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestionBenchmark.RunAsync(args[1..]),
    "commands" => await CommandDeliveryBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          dotnet run -c Release --project bench/VpnPortal.Bench -- ingest [--servers 500] [--sessions 400] [--interval 30] [--minutes 3] [--early-reports]
          dotnet run -c Release --project bench/VpnPortal.Bench -- commands [--agents 50] [--commands 300]
        """);
    return 2;
}
