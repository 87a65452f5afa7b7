# Kria KV260 (xck26-sfvc784-2LV-c): timing constraints for the Loom accelerator.
# No board pins: the accelerator is reached through AXI DMA from the processing system.
create_clock -period 10.000 -name ap_clk [get_ports ap_clk]
