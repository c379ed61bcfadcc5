using Slotgate.Hosting;

return await SlotgateCommandLine.RunAsync(args).ConfigureAwait(false);
