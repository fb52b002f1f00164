package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// Diff returns a description of how got differs from want, or "" if they are
// equal. It compares like reflect.DeepEqual except that time.Time values are
// equal when they are the same instant in the same location (so a monotonic
// clock reading does not matter), unexported struct fields are ignored, and
// it says where values differ. A nil slice differs from an empty one.
func Diff(got, want any) string {
	var d differ
	d.diff("", reflect.ValueOf(got), reflect.ValueOf(want))
	return strings.Join(d.lines, "\n")
}

type differ struct{ lines []string }

func (d *differ) report(path, format string, args ...any) {
	if path == "" {
		path = "value"
	}
	d.lines = append(d.lines, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) diff(path string, g, w reflect.Value) {
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			d.report(path, "got %v, want %v", g, w)
		}
		return
	}
	if g.Type() != w.Type() {
		d.report(path, "got type %v, want %v", g.Type(), w.Type())
		return
	}
	if g.Type() == timeType {
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		if !gt.Equal(wt) || gt.Location().String() != wt.Location().String() {
			d.report(path, "got %s, want %s", gt.Format(time.RFC3339Nano+" MST"), wt.Format(time.RFC3339Nano+" MST"))
		}
		return
	}
	switch g.Kind() {
	case reflect.Pointer, reflect.Interface:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				d.report(path, "got %v, want %v", g, w)
			}
			return
		}
		d.diff(path, g.Elem(), w.Elem())
	case reflect.Struct:
		for i := range g.NumField() {
			f := g.Type().Field(i)
			if !f.IsExported() {
				continue // what a store keeps is exported
			}
			d.diff(path+"."+f.Name, g.Field(i), w.Field(i))
		}
	case reflect.Slice:
		if g.IsNil() != w.IsNil() {
			d.report(path, "got %s, want %s", nilOrEmpty(g), nilOrEmpty(w))
			return
		}
		if g.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(g.Bytes(), w.Bytes()) {
				d.report(path, "got %d bytes %s, want %d bytes %s", g.Len(), short(g.Bytes()), w.Len(), short(w.Bytes()))
			}
			return
		}
		if g.Len() != w.Len() {
			d.report(path, "got %d elements %v, want %d elements %v", g.Len(), g, w.Len(), w)
			return
		}
		for i := range g.Len() {
			d.diff(fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
	case reflect.Map, reflect.Array, reflect.Func, reflect.Chan:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			d.report(path, "got %v, want %v", g, w)
		}
	default:
		if !g.Equal(w) {
			d.report(path, "got %#v, want %#v", g, w)
		}
	}
}

func nilOrEmpty(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	if v.Len() == 0 {
		return "empty non-nil"
	}
	return fmt.Sprintf("%v", v)
}

func short(b []byte) string {
	if len(b) > 16 {
		return fmt.Sprintf("%x...", b[:16])
	}
	return fmt.Sprintf("%x", b)
}
