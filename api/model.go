package api

import (
	"encoding/json"
	"fmt"
)

// SampleType is Table 4's sample_type.
type SampleType int

// Sample types.
const (
	SampleImage  SampleType = 0
	SampleText   SampleType = 1
	SampleSpeech SampleType = 2
	SampleTable  SampleType = 4
	SampleVideo  SampleType = 6
	SampleCustom SampleType = 9
)

// LabelType is Table 8's label type.
type LabelType int

// Label types. LabelImageSegmentation (3) is not on the batch page but exists in the
// platform's other pages and is accepted by the service.
const (
	LabelImageClassification  LabelType = 0
	LabelObjectDetection      LabelType = 1
	LabelImageSegmentation    LabelType = 3
	LabelTextClassification   LabelType = 100
	LabelNamedEntity          LabelType = 101
	LabelTextTripletRelation  LabelType = 102
	LabelTextTripletEntity    LabelType = 103
	LabelSpeechClassification LabelType = 200
	LabelSpeechContent        LabelType = 201
	LabelSpeechParagraph      LabelType = 202
	LabelVideoClassification  LabelType = 600
)

// Shape is the value of the @modelarts:shape label property.
type Shape string

// Shapes of object-detection labels.
const (
	ShapeBndbox   Shape = "bndbox"
	ShapePolygon  Shape = "polygon"
	ShapeCircle   Shape = "circle"
	ShapeLine     Shape = "line"
	ShapeDashed   Shape = "dashed"
	ShapePoint    Shape = "point"
	ShapePolyline Shape = "polyline"
)

// DataType is Table 5's data_source.data_type.
type DataType int

// Data source types.
const (
	DataOBS              DataType = 0
	DataDWS              DataType = 1
	DataDLI              DataType = 2
	DataRDS              DataType = 3
	DataMRS              DataType = 4
	DataAIGallery        DataType = 5
	DataInferenceService DataType = 6
)

// Encodings a text sample may declare.
const (
	EncodingUTF8   = "UTF-8"
	EncodingGBK    = "GBK"
	EncodingGB2312 = "GB2312"
)

// Values of a label's annotated_by.
const (
	AnnotatedByHuman = "human"
	AnnotatedByAuto  = "auto"
)

// Values of label_format.label_type.
const (
	LabelFormatSeparate = "0" // X.txt with X_result.txt
	LabelFormatCombined = "1" // text<sep>label1,label2 in one file
)

// HardReason is a hard-example reason id (Table 10).
type HardReason int

// Hard-example reasons, 0..30.
const (
	HardNoTarget HardReason = iota
	HardLowConfidence
	HardClusterMismatch
	HardPredictionOutlier
	HardConsecutiveInconsistent
	HardResolutionOffset
	HardAspectRatioOffset
	HardBrightnessOffset
	HardSaturationOffset
	HardColorRichnessOffset
	HardDefinitionOffset
	HardFrameCountOffset
	HardFrameAreaStdOffset
	HardFrameAspectRatioOffset
	HardFrameAreaPortionOffset
	HardFrameEdgeOffset
	HardFrameBrightnessOffset
	HardFrameDefinitionOffset
	HardFrameStackOffset
	HardGaussianBlurInconsistent
	HardFliplrInconsistent
	HardCropInconsistent
	HardFlipudInconsistent
	HardScaleInconsistent
	HardTranslateInconsistent
	HardShearInconsistent
	HardSuperpixelsInconsistent
	HardSharpenInconsistent
	HardAddInconsistent
	HardInvertInconsistent
	HardAbnormal
)

// MaxHardReason is the largest hard-example reason id.
const MaxHardReason = HardAbnormal

// Limits of the service (facts.md).
const (
	MaxNameLength    = 1024     // characters in a sample name
	MaxSampleBytes   = 12582912 // decoded bytes of one sample's data
	MaxRequestBytes  = 12000000 // a request body must stay under 12 MB
	MaxDatasetSample = 1000000  // samples in one dataset
)

// Request is the body of the Adding Samples in Batches call (Table 2).
type Request struct {
	FinalAnnotation *bool        `json:"final_annotation,omitempty"`
	LabelFormat     *LabelFormat `json:"label_format,omitempty"`
	Samples         []Sample     `json:"samples"`
}

// LabelFormat says how the service splits text files into samples (Table 3).
type LabelFormat struct {
	LabelType           string `json:"label_type,omitempty"`
	TextLabelSeparator  string `json:"text_label_separator,omitempty"`
	TextSampleSeparator string `json:"text_sample_separator,omitempty"`
}

// Sample is one file with its labels (Table 4). Data is the file's bytes in standard base64.
type Sample struct {
	// Origin says where the sample came from ("Annotations/a.xml", "train.txt:120"), for
	// diagnostics only: it is never sent.
	Origin string `json:"-"`

	Name       string        `json:"name,omitempty"`
	SampleType SampleType    `json:"sample_type"`
	Data       string        `json:"data,omitempty"`
	DataSource *DataSource   `json:"data_source,omitempty"`
	Encoding   string        `json:"encoding,omitempty"`
	Labels     []SampleLabel `json:"labels,omitempty"`
	Metadata   Metadata      `json:"metadata,omitempty"`
}

// DataSource points at a sample's file instead of inlining it (Table 5).
type DataSource struct {
	DataPath         string      `json:"data_path,omitempty"`
	DataType         DataType    `json:"data_type"`
	SchemaMaps       []SchemaMap `json:"schema_maps,omitempty"`
	SourceInfo       *SourceInfo `json:"source_info,omitempty"`
	WithColumnHeader *bool       `json:"with_column_header,omitempty"`
}

// SchemaMap maps a table column (Table 6).
type SchemaMap struct {
	DestName string `json:"dest_name,omitempty"`
	SrcName  string `json:"src_name,omitempty"`
}

// SourceInfo describes a table data source (Table 7). UserPassword is a secret: it is never
// printed by this project's diagnostics.
type SourceInfo struct {
	ClusterID    string `json:"cluster_id,omitempty"`
	ClusterMode  string `json:"cluster_mode,omitempty"`
	ClusterName  string `json:"cluster_name,omitempty"`
	DatabaseName string `json:"database_name,omitempty"`
	Input        string `json:"input,omitempty"`
	IP           string `json:"ip,omitempty"`
	Port         string `json:"port,omitempty"`
	QueueName    string `json:"queue_name,omitempty"`
	SubnetID     string `json:"subnet_id,omitempty"`
	TableName    string `json:"table_name,omitempty"`
	UserName     string `json:"user_name,omitempty"`
	UserPassword string `json:"user_password,omitempty"`
	VpcID        string `json:"vpc_id,omitempty"`
}

// SampleLabel is one label of a sample (Table 8). Score is kept as the source wrote it; an
// empty Score is absent.
type SampleLabel struct {
	AnnotatedBy string      `json:"annotated_by,omitempty"`
	ID          string      `json:"id,omitempty"`
	Name        string      `json:"name,omitempty"`
	Property    Property    `json:"property,omitempty"`
	Score       json.Number `json:"score,omitempty"`
	Type        LabelType   `json:"type"`
}

// Response is the body the service answers with (Table 11). A 200 response can still carry
// per-sample failures: check every Results[i].Success.
type Response struct {
	Success   bool               `json:"success"`
	ErrorCode string             `json:"error_code,omitempty"`
	ErrorMsg  string             `json:"error_msg,omitempty"`
	Results   []UploadSampleResp `json:"results,omitempty"`
}

// UploadSampleResp is one sample's result (Table 12).
type UploadSampleResp struct {
	Success   bool   `json:"success"`
	Name      string `json:"name,omitempty"`
	Info      string `json:"info,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	ErrorMsg  string `json:"error_msg,omitempty"`
}

var labelTypeNames = map[LabelType]string{
	LabelImageClassification:  "image classification",
	LabelObjectDetection:      "object detection",
	LabelImageSegmentation:    "image segmentation",
	LabelTextClassification:   "text classification",
	LabelNamedEntity:          "named entity",
	LabelTextTripletRelation:  "text triplet relation",
	LabelTextTripletEntity:    "text triplet entity",
	LabelSpeechClassification: "speech classification",
	LabelSpeechContent:        "speech content",
	LabelSpeechParagraph:      "speech paragraph",
	LabelVideoClassification:  "video classification",
}

// String names the label type ("object detection"), or gives its number when unknown.
func (t LabelType) String() string {
	if s, ok := labelTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("label type %d", int(t))
}
