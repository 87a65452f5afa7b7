# Stub definitions of the Vivado Tcl commands Loom's build.tcl uses, for checking the script with
# a plain tclsh (no Vivado). Each stub accepts the argument forms of the command's documented
# signature (cited per command), checks the objects it is given exist in a small model of the
# project, IP and block design, and fails with one line and exit code 1 on the first problem.
# State lives in ::vs_* globals (build.tcl's own variables are plain globals). The caller sets ::expect(part|top|inWidth|outWidth|family|clockMHz) and sources this file,
# then build.tcl, then calls loom_check_final. ::expect(weights), when set, lists the runtime
# weight streams as {port width ...}: each must be an IP interface fed by a DMA of that width.
# Documents: UG835 (Vivado Design Suite Tcl Command Reference Guide), UG1118 (Creating and
# Packaging Custom IP), UG994 (Designing IP Subsystems Using IP Integrator), PG021 (AXI DMA),
# PG201 (Zynq UltraScale+ MPSoC Processing System), PG082 (Processing System 7).

namespace eval ipx {}

proc fail {msg} {
  puts stderr "build.tcl check: $msg"
  exit 1
}

# Splits args into options and positionals. spec: option name -> 0 (flag) or 1 (takes a value).
proc parse {cmd spec arglist minPos maxPos} {
  set opts [dict create]
  set pos {}
  for {set i 0} {$i < [llength $arglist]} {incr i} {
    set a [lindex $arglist $i]
    if {[string index $a 0] eq "-" && ![string is double -strict $a]} {
      if {![dict exists $spec $a]} { fail "$cmd: unknown option $a (allowed: [dict keys $spec])" }
      if {[dict get $spec $a]} {
        incr i
        if {$i >= [llength $arglist]} { fail "$cmd: option $a needs a value" }
        dict set opts $a [lindex $arglist $i]
      } else {
        dict set opts $a 1
      }
    } else {
      lappend pos $a
    }
  }
  if {[llength $pos] < $minPos || ($maxPos >= 0 && [llength $pos] > $maxPos)} {
    fail "$cmd: expected $minPos..$maxPos positional arguments, got [llength $pos]: $pos"
  }
  return [list $opts $pos]
}

proc need {obj kind cmd} {
  if {[llength $obj] != 1 || ![string match "$kind:*" $obj]} { fail "$cmd: expected a $kind object, got '$obj'" }
  return [string range $obj [expr {[string length $kind] + 1}] end]
}

set ::vs_project ""
set ::vs_files {}
set ::vs_modules [dict create]
set ::vs_top ""
set ::vs_core ""
set ::vs_busifs [dict create]
set ::vs_cells [dict create]
set ::vs_intfs [dict create]
set ::vs_pins [dict create]
set ::vs_bd ""
set ::vs_addressed 0
set ::vs_validated 0
set ::vs_wrapper ""
set ::vs_ran 0

# --- Project (UG835: create_project, add_files, set_property, current_fileset, current_project,
# update_compile_order, get_files) ---
proc create_project {args} {
  lassign [parse create_project {-part 1 -force 0 -in_memory 0 -ip 0 -rtl_kernel 0 -quiet 0 -verbose 0} $args 0 2] o p
  if {![dict exists $o -part]} { fail "create_project: no -part" }
  if {[dict get $o -part] ne $::expect(part)} { fail "create_project: part [dict get $o -part], the board's is $::expect(part)" }
  lassign $p name dir
  set ::vs_project [list $name [file normalize $dir]]
  return "project:$name"
}

proc current_project {args} { parse current_project {-quiet 0 -verbose 0} $args 0 1; if {$::vs_project eq ""} { fail "current_project: no project" }; return "project:[lindex $::vs_project 0]" }
proc current_fileset {args} { parse current_fileset {-constrset 0 -simset 0 -quiet 0 -verbose 0} $args 0 1; return "fileset:sources_1" }

proc add_files {args} {
  lassign [parse add_files {-fileset 1 -of_objects 1 -norecurse 0 -scan_for_includes 0 -copy_to 1 -force 0 -quiet 0 -verbose 0} $args 1 -1] o p
  if {$::vs_project eq ""} { fail "add_files: no project open" }
  if {[dict exists $o -fileset] && [dict get $o -fileset] ni {sources_1 constrs_1 sim_1}} { fail "add_files: unknown fileset [dict get $o -fileset]" }
  foreach f [concat {*}$p] {
    set f [file normalize $f]
    if {$f eq $::vs_wrapper} { dict set ::vs_modules loom_bd_wrapper $f; lappend ::vs_files $f; continue }
    if {![file exists $f]} { fail "add_files: $f does not exist" }
    lappend ::vs_files $f
    if {[file extension $f] eq ".v"} {
      set fh [open $f]; set text [read $fh]; close $fh
      foreach {- m} [regexp -all -inline -line {^module\s+(\w+)} $text] { dict set ::vs_modules $m $f }
    }
  }
}

proc update_compile_order {args} { parse update_compile_order {-fileset 1 -quiet 0 -verbose 0} $args 0 0 }

proc get_files {args} {
  lassign [parse get_files {-of_objects 1 -filter 1 -compile_order 1 -used_in 1 -all 0 -quiet 0 -verbose 0} $args 1 1] o p
  set name [lindex $p 0]
  if {$name ne "$::vs_bd.bd"} { fail "get_files: no file $name in the project (the block design is $::vs_bd.bd)" }
  return "file:$name"
}

# set_property [-dict <list>] [-quiet] [-verbose] <name> <value> <objects>  (UG835: set_property)
proc set_property {args} {
  if {[lindex $args 0] eq "-dict"} {
    set dict [lindex $args 1]
    set objs [lrange $args 2 end]
  } else {
    lassign $args name value objs
    set dict [list $name $value]
    if {[llength $args] != 3} { fail "set_property: expected <name> <value> <objects>, got $args" }
  }
  if {[llength $dict] % 2} { fail "set_property -dict: odd-length list" }
  foreach obj [concat {*}$objs] {
    dict for {k v} $dict { property $obj $k $v }
  }
}

proc property {obj k v} {
  switch -glob -- $obj {
    fileset:* {
      if {$k ne "top"} { fail "set_property: unexpected property $k on a fileset" }
      if {![dict exists $::vs_modules $v]} { fail "set_property top: no added source defines module $v" }
      set ::vs_top $v
    }
    project:* {
      if {$k ne "ip_repo_paths"} { fail "set_property: unexpected property $k on the project" }
      if {[file normalize $v] ne [lindex $::vs_core 1]} { fail "set_property ip_repo_paths: $v is not where the IP was packaged" }
    }
    bdcell:* { cell_config [string range $obj 7 end] $k $v }
    default { fail "set_property: $obj is not an object" }
  }
}

# --- IP packaging (UG835 ipx:: commands; UG1118: interfaces are inferred from port names) ---
proc verilog_ports {file module} {
  set fh [open $file]; set text [read $fh]; close $fh
  set ports [dict create]
  foreach {- dir hi name} [regexp -all -inline -line {^\s*(input|output)\s+wire\s+(?:signed\s+)?(?:\[(\d+):0\]\s+)?(\w+)} $text] {
    dict set ports $name [list $dir [expr {$hi eq "" ? 1 : $hi + 1}]]
  }
  return $ports
}

proc ipx::package_project {args} {
  lassign [parse ipx::package_project {-root_dir 1 -vendor 1 -library 1 -name 1 -version 1 -taxonomy 1 -import_files 0 -set_current 1 -force 0 -generated_files 0 -module 1 -quiet 0 -verbose 0} $args 0 0] o p
  foreach k {-root_dir -vendor -library} { if {![dict exists $o $k]} { fail "ipx::package_project: no $k" } }
  if {$::vs_top eq ""} { fail "ipx::package_project: no top module set" }
  set vlnv "[dict get $o -vendor]:[dict get $o -library]:$::vs_top:1.0"
  set ::vs_core [list $vlnv [file normalize [dict get $o -root_dir]] [verilog_ports [dict get $::vs_modules $::vs_top] $::vs_top]]
  infer axis; infer aximm
  return "ipcore:$vlnv"
}

proc ipx::current_core {args} { if {$::vs_core eq ""} { fail "ipx::current_core: no IP packaged" }; return "ipcore:[lindex $::vs_core 0]" }
proc ipx::save_core {args} { lassign [parse ipx::save_core {-quiet 0 -verbose 0} $args 0 1] o p; if {[llength $p]} { need [lindex $p 0] ipcore ipx::save_core } }

proc infer {kind} {
  set ports [lindex $::vs_core 2]
  dict for {name info} $ports {
    if {$kind eq "axis" && [regexp {^(.*)_tdata$} $name - pre]} {
      foreach s {tvalid tready} { if {![dict exists $ports ${pre}_$s]} { fail "IP $::vs_top: $pre has tdata but no $s" } }
      set mode [expr {[lindex $info 0] eq "input" ? "slave" : "master"}]
      dict set ::vs_busifs $pre [list axis $mode [lindex $info 1] [dict exists $ports ${pre}_tlast]]
    }
    if {$kind eq "aximm" && [regexp {^(.*)_awaddr$} $name - pre]} {
      foreach s {awvalid awready wdata wstrb wvalid wready bresp bvalid bready araddr arvalid arready rdata rresp rvalid rready} {
        if {![dict exists $ports ${pre}_$s]} { fail "IP $::vs_top: AXI4-Lite $pre lacks ${pre}_$s" }
      }
      set mode [expr {[lindex $info 0] eq "input" ? "slave" : "master"}]
      dict set ::vs_busifs $pre [list aximm $mode 32 0]
    }
  }
}

# ipx::infer_bus_interfaces <bus_definition_vlnv> <ip>
proc ipx::infer_bus_interfaces {args} {
  lassign [parse ipx::infer_bus_interfaces {-quiet 0 -verbose 0} $args 2 2] o p
  lassign $p def obj
  need $obj ipcore ipx::infer_bus_interfaces
  switch -- $def {
    xilinx.com:interface:axis_rtl:1.0 { infer axis }
    xilinx.com:interface:aximm_rtl:1.0 { infer aximm }
    default { fail "ipx::infer_bus_interfaces: unknown bus definition $def" }
  }
}

# ipx::associate_bus_interfaces [-busif <arg>] [-clock <arg>] [-reset <arg>] [-remove] <ip>
proc ipx::associate_bus_interfaces {args} {
  lassign [parse ipx::associate_bus_interfaces {-busif 1 -clock 1 -reset 1 -remove 0 -quiet 0 -verbose 0} $args 1 1] o p
  need [lindex $p 0] ipcore ipx::associate_bus_interfaces
  set b [dict get $o -busif]
  if {![dict exists $::vs_busifs $b]} { fail "ipx::associate_bus_interfaces: the IP has no bus interface $b (it has [dict keys $::vs_busifs])" }
  if {[dict exists $o -clock] && ![dict exists [lindex $::vs_core 2] [dict get $o -clock]]} { fail "ipx::associate_bus_interfaces: no clock port [dict get $o -clock]" }
}

proc update_ip_catalog {args} { parse update_ip_catalog {-rebuild 0 -scan_changes 0 -repo_path 1 -quiet 0 -verbose 0} $args 0 0 }

# --- Block design (UG835: create_bd_design, create_bd_cell, get_bd_cells, get_bd_intf_pins,
# get_bd_pins, connect_bd_intf_net, apply_bd_automation, assign_bd_address, validate_bd_design,
# save_bd_design, make_wrapper; UG994 for the automation rules) ---
proc create_bd_design {args} { lassign [parse create_bd_design {-dir 1 -quiet 0 -verbose 0} $args 1 1] o p; set ::vs_bd [lindex $p 0]; return "bd:$::vs_bd" }

proc add_intf {cell name type mode width tlast} { dict set ::vs_intfs $cell/$name [list $type $mode $width $tlast 0] }

proc create_bd_cell {args} {
  lassign [parse create_bd_cell {-type 1 -vlnv 1 -reference 1 -quiet 0 -verbose 0} $args 1 1] o p
  set name [lindex $p 0]
  if {$::vs_bd eq ""} { fail "create_bd_cell: no block design" }
  if {[dict get $o -type] ne "ip"} { fail "create_bd_cell: -type [dict get $o -type]" }
  set v [dict get $o -vlnv]
  if {[dict exists $::vs_cells $name]} { fail "create_bd_cell: $name exists" }
  switch -glob -- $v {
    xilinx.com:ip:zynq_ultra_ps_e:* {
      # PG201: AXI masters M_AXI_HPM0/1_FPD, slaves S_AXI_HP0..3_FPD, PL clock pl_clk0.
      if {$::expect(family) ne "ultrascale+"} { fail "create_bd_cell: zynq_ultra_ps_e on a $::expect(family) part" }
      foreach m {M_AXI_HPM0_FPD M_AXI_HPM1_FPD} { add_intf $name $m aximm master 128 0 }
      foreach s {S_AXI_HP0_FPD S_AXI_HP1_FPD S_AXI_HP2_FPD S_AXI_HP3_FPD} { add_intf $name $s aximm slave 128 0 }
      dict set ::vs_pins $name/pl_clk0 1
      dict set ::vs_cells $name [list ps {}]
    }
    xilinx.com:ip:processing_system7:* {
      # PG082: AXI master M_AXI_GP0, slaves S_AXI_HP0..3, PL clock FCLK_CLK0.
      if {$::expect(family) ne "7series"} { fail "create_bd_cell: processing_system7 on a $::expect(family) part" }
      add_intf $name M_AXI_GP0 aximm master 32 0
      foreach s {S_AXI_HP0 S_AXI_HP1 S_AXI_HP2 S_AXI_HP3} { add_intf $name $s aximm slave 64 0 }
      dict set ::vs_pins $name/FCLK_CLK0 1
      dict set ::vs_cells $name [list ps {}]
    }
    xilinx.com:ip:axi_dma:* {
      # PG021: defaults c_include_sg 1, both channels included, stream widths 32, memory-map widths 32.
      set cfg [dict create c_include_sg 1 c_include_mm2s 1 c_include_s2mm 1 c_sg_length_width 14 c_m_axis_mm2s_tdata_width 32 c_s_axis_s2mm_tdata_width 32 \
        c_m_axi_mm2s_data_width 32 c_m_axi_s2mm_data_width 32 c_mm2s_burst_size 16 c_s2mm_burst_size 16]
      dict set ::vs_cells $name [list dma $cfg]
      add_intf $name S_AXI_LITE aximm slave 32 0
      add_intf $name M_AXI_MM2S aximm master 32 0
      add_intf $name M_AXI_S2MM aximm master 32 0
      add_intf $name M_AXI_SG aximm master 32 0
      add_intf $name M_AXIS_MM2S axis master 32 1
      add_intf $name S_AXIS_S2MM axis slave 32 1
    }
    default {
      if {$::vs_core eq "" || $v ne [lindex $::vs_core 0]} { fail "create_bd_cell: no IP $v in the catalog (packaged: [lindex $::vs_core 0])" }
      dict for {b info} $::vs_busifs { add_intf $name $b {*}$info }
      dict for {port info} [lindex $::vs_core 2] { dict set ::vs_pins $name/$port 0 }
      dict set ::vs_cells $name [list accel {}]
    }
  }
  return "bdcell:$name"
}

# PG021 user parameters used by build.tcl, with their legal values.
proc cell_config {cell k v} {
  lassign [dict get $::vs_cells $cell] kind cfg
  if {![string match CONFIG.* $k]} { fail "set_property: $k on $cell is not a CONFIG parameter" }
  set p [string range $k 7 end]
  set pow2 {8 16 32 64 128 256 512 1024}
  switch -- $kind {
    ps {
      set known [expr {$::expect(family) eq "ultrascale+" ? "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ" : "PCW_FPGA0_PERIPHERAL_FREQMHZ"}]
      if {$p ne $known} { fail "set_property: $p is not the PL clock parameter of this PS ($known)" }
      if {$v != $::expect(clockMHz)} { fail "set_property: PL clock $v MHz, the design is constrained for $::expect(clockMHz)" }
    }
    dma {
      switch -- $p {
        c_include_sg - c_include_mm2s - c_include_s2mm { if {$v ni {0 1}} { fail "axi_dma $p $v" } }
        c_sg_length_width { if {$v < 8 || $v > 26} { fail "axi_dma $p $v (PG021: 8..26)" } }
        c_m_axis_mm2s_tdata_width - c_s_axis_s2mm_tdata_width - c_m_axi_mm2s_data_width - c_m_axi_s2mm_data_width {
          if {$v ni $pow2} { fail "axi_dma $p $v (PG021: one of $pow2)" }
        }
        c_mm2s_burst_size - c_s2mm_burst_size { if {$v ni {2 4 8 16 32 64 128 256}} { fail "axi_dma $p $v" } }
        default { fail "set_property: axi_dma has no parameter $p" }
      }
      dict set cfg $p $v
      dict set ::vs_cells $cell [list dma $cfg]
      if {$p eq "c_m_axis_mm2s_tdata_width"} { dict set ::vs_intfs $cell/M_AXIS_MM2S [lreplace [dict get $::vs_intfs $cell/M_AXIS_MM2S] 2 2 $v] }
      if {$p eq "c_s_axis_s2mm_tdata_width"} { dict set ::vs_intfs $cell/S_AXIS_S2MM [lreplace [dict get $::vs_intfs $cell/S_AXIS_S2MM] 2 2 $v] }
    }
    default { fail "set_property: $k on $cell" }
  }
}

proc get_bd_cells {args} {
  lassign [parse get_bd_cells {-hierarchical 0 -filter 1 -quiet 0 -verbose 0} $args 1 -1] o p
  set out {}
  foreach n [concat {*}$p] { set n [string trimleft $n /]; if {![dict exists $::vs_cells $n]} { fail "get_bd_cells: no cell $n" }; lappend out "bdcell:$n" }
  return $out
}
proc get_bd_intf_pins {args} {
  lassign [parse get_bd_intf_pins {-of_objects 1 -filter 1 -quiet 0 -verbose 0} $args 1 1] o p
  set n [string trimleft [lindex $p 0] /]
  if {![dict exists $::vs_intfs $n]} { fail "get_bd_intf_pins: no interface pin $n" }
  return "bdintf:$n"
}
proc get_bd_pins {args} {
  lassign [parse get_bd_pins {-of_objects 1 -filter 1 -quiet 0 -verbose 0} $args 1 1] o p
  set n [string trimleft [lindex $p 0] /]
  if {![dict exists $::vs_pins $n]} { fail "get_bd_pins: no pin $n" }
  return "bdpin:$n"
}

proc mark {n} { dict set ::vs_intfs $n [lreplace [dict get $::vs_intfs $n] 4 4 1] }

# connect_bd_intf_net [-intf_net <arg>] [-boundary_type <arg>] <object1> <object2>
proc connect_bd_intf_net {args} {
  lassign [parse connect_bd_intf_net {-intf_net 1 -boundary_type 1 -quiet 0 -verbose 0} $args 2 2] o p
  set a [need [lindex $p 0] bdintf connect_bd_intf_net]
  set b [need [lindex $p 1] bdintf connect_bd_intf_net]
  lassign [dict get $::vs_intfs $a] ta ma wa la
  lassign [dict get $::vs_intfs $b] tb mb wb lb
  if {$ta ne $tb} { fail "connect_bd_intf_net: $a is $ta, $b is $tb" }
  if {$ma eq $mb} { fail "connect_bd_intf_net: $a and $b are both ${ma}s" }
  if {$ta eq "axis" && $wa != $wb} { fail "connect_bd_intf_net: $a has a $wa-bit TDATA, $b $wb bits" }
  set slave [expr {$ma eq "slave" ? $a : $b}]
  set master [expr {$ma eq "slave" ? $b : $a}]
  if {[string match */S_AXIS_S2MM $slave] && ![lindex [dict get $::vs_intfs $master] 3]} {
    fail "connect_bd_intf_net: $master has no TLAST, but the DMA's S2MM ends a transfer only on TLAST (PG021)"
  }
  mark $a; mark $b
}

# apply_bd_automation -rule <arg> [-config <args>] [-opts <args>] <objects>
proc apply_bd_automation {args} {
  lassign [parse apply_bd_automation {-rule 1 -config 1 -opts 1 -dict 1 -quiet 0 -verbose 0} $args 1 1] o p
  set rule [dict get $o -rule]
  set cfg [expr {[dict exists $o -config] ? [dict get $o -config] : {}}]
  set obj [lindex $p 0]
  switch -- $rule {
    xilinx.com:bd_rule:zynq_ultra_ps_e - xilinx.com:bd_rule:processing_system7 {
      set c [need $obj bdcell apply_bd_automation]
      if {[lindex [dict get $::vs_cells $c] 0] ne "ps"} { fail "apply_bd_automation $rule: $c is not a processing system" }
      if {[dict keys $cfg] ne "apply_board_preset"} { fail "apply_bd_automation $rule: config keys [dict keys $cfg]" }
    }
    xilinx.com:bd_rule:axi4 {
      set n [need $obj bdintf apply_bd_automation]
      lassign [dict get $::vs_intfs $n] type mode
      if {$type ne "aximm"} { fail "apply_bd_automation axi4: $n is not AXI memory-mapped" }
      foreach k [dict keys $cfg] { if {$k ni {Master Slave Clk Clk_master Clk_slave Clk_xbar intc_ip master_apm ddr_seg bar_ip}} { fail "apply_bd_automation axi4: unknown config key $k" } }
      set other [expr {$mode eq "slave" ? "Master" : "Slave"}]
      if {![dict exists $cfg $other]} { fail "apply_bd_automation axi4: $n is a $mode, so the config needs $other" }
      set peer [string trimleft [dict get $cfg $other] /]
      if {![dict exists $::vs_intfs $peer]} { fail "apply_bd_automation axi4: no interface $peer" }
      if {[lindex [dict get $::vs_intfs $peer] 1] eq $mode} { fail "apply_bd_automation axi4: $peer and $n are both ${mode}s" }
      if {![dict exists $cfg Clk] || ![dict exists $::vs_pins [string trimleft [dict get $cfg Clk] /]]} { fail "apply_bd_automation axi4: no clock pin [dict get $cfg Clk]" }
      mark $n; mark $peer
      # The automation clocks the interface's cell and resets it through a proc_sys_reset.
      set cell [lindex [split $n /] 0]
      if {[dict exists $::vs_pins $cell/ap_clk]} { dict set ::vs_pins $cell/ap_clk 1; dict set ::vs_pins $cell/ap_rst_n 1 }
    }
    xilinx.com:bd_rule:clkrst {
      set n [need $obj bdpin apply_bd_automation]
      dict set ::vs_pins $n 1
    }
    default { fail "apply_bd_automation: unknown rule $rule" }
  }
}

proc assign_bd_address {args} { parse assign_bd_address {-target_address_space 1 -offset 1 -range 1 -external 0 -force 0 -quiet 0 -verbose 0} $args 0 -1; set ::vs_addressed 1 }

proc validate_bd_design {args} {
  parse validate_bd_design {-force 0 -design 1 -quiet 0 -verbose 0} $args 0 0
  dict for {c info} $::vs_cells {
    lassign $info kind cfg
    foreach n [dict keys $::vs_intfs $c/*] {
      set used [lindex [dict get $::vs_intfs $n] 4]
      if {$kind eq "ps"} continue
      if {$n eq "$c/M_AXI_SG" && [dict get $cfg c_include_sg] == 0} continue
      if {$n in [list $c/M_AXI_S2MM $c/S_AXIS_S2MM] && [dict get $cfg c_include_s2mm] == 0} continue
      if {$n in [list $c/M_AXI_MM2S $c/M_AXIS_MM2S] && [dict get $cfg c_include_mm2s] == 0} continue
      if {!$used} { fail "validate_bd_design: $n is not connected" }
    }
    if {$kind eq "dma"} {
      foreach {s m ch} {c_m_axis_mm2s_tdata_width c_m_axi_mm2s_data_width mm2s c_s_axis_s2mm_tdata_width c_m_axi_s2mm_data_width s2mm} {
        if {[dict get $cfg c_include_$ch] == 0} continue
        if {[dict get $cfg $s] > [dict get $cfg $m]} { fail "validate_bd_design: $c $s [dict get $cfg $s] exceeds $m [dict get $cfg $m] (PG021: stream width ≤ memory-map width)" }
      }
    }
    if {$kind eq "accel" && ![dict get $::vs_pins $c/ap_clk]} { fail "validate_bd_design: $c/ap_clk is not connected" }
  }
  if {!$::vs_addressed} { fail "validate_bd_design: addresses not assigned" }
  set ::vs_validated 1
}

proc save_bd_design {args} { parse save_bd_design {-quiet 0 -verbose 0} $args 0 1; if {!$::vs_validated} { fail "save_bd_design before validate_bd_design" } }

# make_wrapper [-files <args>] [-top] [-testbench] [-inst_template] [-fileset <arg>] [-import] [-force]
proc make_wrapper {args} {
  lassign [parse make_wrapper {-files 1 -top 0 -testbench 0 -inst_template 0 -fileset 1 -import 0 -force 0 -quiet 0 -verbose 0} $args 0 0] o p
  need [dict get $o -files] file make_wrapper
  lassign $::vs_project name dir
  # Where Vivado (2020.2 and later) writes the wrapper of a project block design.
  set ::vs_wrapper [file normalize [file join $dir $name.gen sources_1 bd $::vs_bd hdl ${::vs_bd}_wrapper.v]]
}

proc launch_runs {args} {
  lassign [parse launch_runs {-jobs 1 -to_step 1 -next_step 0 -host 1 -remote_cmd 1 -scripts_only 0 -lsf 1 -quiet 0 -verbose 0} $args 1 -1] o p
  if {[lindex $p 0] ne "impl_1"} { fail "launch_runs: unknown run [lindex $p 0]" }
  if {[dict exists $o -to_step] && [dict get $o -to_step] ne "write_bitstream"} { fail "launch_runs: -to_step [dict get $o -to_step]" }
  if {$::vs_top ne "loom_bd_wrapper"} { fail "launch_runs: the top is $::vs_top, not the block design wrapper" }
  set ::vs_ran 1
}

# wait_on_run [-timeout <arg>] <run>; afterwards the run's products exist where Vivado writes them.
proc wait_on_run {args} {
  lassign [parse wait_on_run {-timeout 1 -quiet 0 -verbose 0} $args 1 1] o p
  if {!$::vs_ran} { fail "wait_on_run before launch_runs" }
  lassign $::vs_project name dir
  set bit [file join $dir $name.runs impl_1 $::vs_top.bit]
  set hwh [file join $dir $name.gen sources_1 bd $::vs_bd hw_handoff $::vs_bd.hwh]
  foreach f [list $bit $hwh] { file mkdir [file dirname $f]; close [open $f w] }
}

proc loom_check_final {} {
  if {!$::vs_ran} { fail "the script never launches implementation" }
  lassign [dict get $::vs_intfs accel/s_axis] - - win
  lassign [dict get $::vs_intfs accel/m_axis] - - wout
  if {$win != $::expect(inWidth) || $wout != $::expect(outWidth)} { fail "accelerator streams $win/$wout bits, expected $::expect(inWidth)/$::expect(outWidth)" }
  set weights [expr {[info exists ::expect(weights)] ? $::expect(weights) : {}}]
  foreach {port width} $weights {
    if {![dict exists $::vs_intfs accel/$port]} { fail "the IP has no weight stream $port" }
    lassign [dict get $::vs_intfs accel/$port] - mode w - used
    if {$mode ne "slave" || $w != $width} { fail "weight stream $port: $mode of $w bits, expected a slave of $width" }
  }
  dict for {n info} $::vs_intfs {
    if {[regexp {^accel/(s_axis_w_\w+)$} $n - port] && [lsearch -exact $weights $port] < 0} { fail "unexpected weight stream $port" }
  }
  puts "build.tcl check: ok"
}
