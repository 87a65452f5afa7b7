# Ultra96-V2 (xczu3eg-sbva484-1-i): timing constraints for the Loom accelerator.
# No board pins: the accelerator is reached through AXI DMA from the processing system.
create_clock -period 10.000 -name ap_clk [get_ports ap_clk]
