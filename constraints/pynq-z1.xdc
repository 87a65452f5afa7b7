# PYNQ-Z1 (xc7z020clg400-1): timing constraints for the Loom accelerator.
# No board pins: the accelerator is reached through AXI DMA from the processing system.
create_clock -period 10.000 -name ap_clk [get_ports ap_clk]
