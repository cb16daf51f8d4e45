# Supervision of classification work (定密监督, GD Art. 41-44; services/workflows/inspection.h):
# a case — an inspection, a self-inspection or a correction notice — as the node keeps it (table
# `inspections`) and as an envelope of kind `inspection` carries it between the opener's node and
# the inspected organ's. Versioned by adding fields, never by renumbering.
@0xd7b2a4c1e9f03b65;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

using Matter = import "matter.capnp";

struct InspectionCase {
  id @0 :Text;
  kind @1 :UInt8;                  # workflows::CaseKind
  byOrgan @2 :Matter.Organ;
  organ @3 :Matter.Organ;
  points @4 :List(Int32);
  subject @5 :UInt8;               # workflows::CorrectionSubject
  subjectDetail @6 :Text;
  adjust @7 :Bool;
  openedBy @8 :Text;
  openedAt @9 :Int64;
  findings @10 :List(Finding);
  request @11 :Text;
  rectifyDay @12 :Int32;           # days since 1970-01-01; 0: none
  report @13 :Text;
  reportedBy @14 :Text;
  reportedAt @15 :Int64;
  closing @16 :Text;
  closedBy @17 :Text;
  closedAt @18 :Int64;
  state @19 :UInt8;                # workflows::CaseState
  version @20 :UInt64;
  history @21 :List(Matter.TrailEvent);
  struct Finding {
    point @0 :Int32;
    text @1 :Text;
  }
}
